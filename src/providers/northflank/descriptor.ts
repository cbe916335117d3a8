/**
 * Northflank: metrics of a service, job or add-on, one series per container. Units are whatever each
 * response's `metricInfo.metricUnit` says (the docs' example shows `pct` everywhere), so no series here
 * fixes one. Facts and sources: docs/providers.md#northflank.
 */
import { defineProvider, type SeriesSpec } from '../descriptor';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

const metric = (label: string, description: string): SeriesSpec => ({ label, semantics: 'gauge', description });

/**
 * The one list of metric types: every documented type is a series here, and the metrics feed asks for
 * all of them in one call (every call spends the token's 1,000-an-hour budget).
 */
export const NORTHFLANK_SERIES = {
  cpu: 'northflank.cpu',
  memory: 'northflank.memory',
  networkIngress: 'northflank.networkIngress',
  networkEgress: 'northflank.networkEgress',
  tcpConnectionsOpen: 'northflank.tcpConnectionsOpen',
  diskUsage: 'northflank.diskUsage',
  requests: 'northflank.requests',
  http4xxResponses: 'northflank.http4xxResponses',
  http5xxResponses: 'northflank.http5xxResponses',
  bandwidth: 'northflank.bandwidth',
  bandwidthVolume: 'northflank.bandwidthVolume',
} as const;

export type NorthflankMetricType = keyof typeof NORTHFLANK_SERIES;

/** The metric types in the order the docs list them: what the metrics feed requests. */
export const NORTHFLANK_METRIC_TYPES = Object.keys(NORTHFLANK_SERIES) as readonly NorthflankMetricType[];

const S = NORTHFLANK_SERIES;

export const NORTHFLANK_DESCRIPTOR = defineProvider({
  id: 'northflank',
  kind: 'northflank',
  name: 'Northflank',
  abbreviation: 'NF',
  summary: 'CPU, memory, network and requests of a service, job or add-on',
  defaultBaseUrl: 'https://api.northflank.com',
  tokenVariables: ['NORTHFLANK_API_TOKEN', 'NF_API_TOKEN'],
  tokenOptional: false,
  feeds: [{ name: 'metrics', reads: 'GET …/{services|jobs|addons}/{id}/metrics: every metric type in one range query', intervalMs: MINUTE }],
  // 1,000 requests an hour per token, shared with the user's CLI and CI.
  minIntervalMs: 30 * SECOND,
  series: {
    [S.cpu]: metric('CPU', 'CPU use per container: vCPU for services and jobs, a percentage of the limit for add-ons.'),
    [S.memory]: metric('memory', 'Memory use per container, in MB.'),
    [S.networkIngress]: metric('network in', 'Traffic into the container.'),
    [S.networkEgress]: metric('network out', 'Traffic out of the container.'),
    [S.tcpConnectionsOpen]: metric('open TCP connections', 'TCP connections open on the container.'),
    [S.diskUsage]: metric('disk use', 'Space used per volume (labelled by volume).'),
    [S.requests]: metric('HTTP requests', 'HTTP requests per second reaching the container.'),
    [S.http4xxResponses]: metric('4xx responses', 'Responses with a 4xx status per second.'),
    [S.http5xxResponses]: metric('5xx responses', 'Responses with a 5xx status per second.'),
    [S.bandwidth]: metric('bandwidth', 'Public bandwidth used.'),
    [S.bandwidthVolume]: metric('bandwidth volume', 'Public traffic volume.'),
  },
  quotas: [
    {
      id: 'cpu',
      kind: 'perContainer',
      label: 'CPU',
      value: S.cpu,
      // A percentage is a share of the container's own limit, so 100 is the limit.
      limits: { percent: 100, vcpu: 'cpuLimitVcpu' },
      missingLimit: 'no CPU limit known: set quota.cpuLimitVcpu to the service’s vCPU to get warnings',
    },
    {
      id: 'memory',
      kind: 'perContainer',
      label: 'Memory',
      value: S.memory,
      limits: { percent: 100, megabytes: 'memoryLimitMegabytes' },
      missingLimit: 'no memory limit known: set quota.memoryLimitMegabytes to the service’s MB to get warnings',
    },
  ],
  charts: [
    { key: 'cpu', title: 'CPU', description: 'CPU use per container.', series: [S.cpu], quota: 'cpu' },
    { key: 'memory', title: 'Memory', description: 'Memory use per container.', series: [S.memory], quota: 'memory' },
    {
      key: 'network',
      title: 'Network',
      description: 'Network traffic in and out per container.',
      series: [S.networkIngress, S.networkEgress],
      names: { [S.networkIngress]: 'in', [S.networkEgress]: 'out' },
    },
    {
      key: 'requests',
      title: 'HTTP requests',
      description: 'HTTP requests and error responses per second per container.',
      series: [S.requests, S.http4xxResponses, S.http5xxResponses],
      names: { [S.requests]: 'requests', [S.http4xxResponses]: '4xx', [S.http5xxResponses]: '5xx' },
    },
    { key: 'tcp', title: 'Open TCP connections', description: 'TCP connections open per container.', series: [S.tcpConnectionsOpen], primary: false },
    { key: 'disk', title: 'Disk use', description: 'Space used per volume.', series: [S.diskUsage], primary: false },
    {
      key: 'bandwidth',
      title: 'Bandwidth',
      description: 'Public bandwidth and traffic volume.',
      series: [S.bandwidth, S.bandwidthVolume],
      names: { [S.bandwidth]: 'bandwidth', [S.bandwidthVolume]: 'volume' },
      primary: false,
    },
  ],
  figures: [
    { id: 'cpu', label: 'CPU', short: 'CPU', source: { quota: 'cpu' }, chart: 'cpu' },
    { id: 'memory', label: 'Memory', short: 'memory', source: { quota: 'memory' }, chart: 'memory' },
  ],
  statusBar: { figure: 'cpu' },
  sparkline: { figure: 'cpu', windowMs: 60 * MINUTE, label: 'CPU of the busiest container, last hour' },
});
