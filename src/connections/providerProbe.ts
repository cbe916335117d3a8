/**
 * One-off calls for the connection commands: Test Connection (every feed once) and the pickers'
 * project and service lists. Separate from polling: nothing here is stored or scheduled.
 */
import type { HttpClient } from '../http/httpClient';
import { BrowserbaseClient } from '../providers/browserbase/client';
import { NorthflankClient } from '../providers/northflank/client';
import { descriptorFor } from '../providers/registry';
import { figureInWords } from '../quota/describeQuota';
import type { TokenStore } from '../secrets/tokenStore';
import type { ConnectionConfig } from '../shared/connections';
import type { Sample } from '../shared/samples';
import { EXPORTABLE_KINDS } from '../providers/types';
import { EXPORTER_FAMILIES } from '../providers/exportedSeries';
import type { PrometheusQueryClient } from '../providers/prometheusQuery/client';
import { feedsFor, type FeedLimits } from './feeds';
import { LatestValues } from './latestValues';
import { buildSnapshot } from './snapshotBuilder';
import { queryClient } from './teamPrometheus';

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** The exporter's connections a team Prometheus holds, from their `live_usage_connection_info` series. */
async function exportedConnections(client: PrometheusQueryClient, signal: AbortSignal): Promise<Choice[]> {
  const result = await client.query(`${EXPORTER_FAMILIES.connection}_info`, { signal });
  const choices = new Map<string, Choice>();
  for (const point of result.points) {
    const { connection, provider, descriptor, name } = point.labels;
    // Labels come from the server: only ids and providers this version can read become choices.
    if (!connection || !ID_PATTERN.test(connection) || !(EXPORTABLE_KINDS as readonly (string | undefined)[]).includes(provider)) continue;
    choices.set(connection, {
      id: connection,
      label: name || connection,
      detail: `${provider} · ${connection}`,
      kind: provider,
      ...(descriptor ? { descriptor } : {}),
    });
  }
  return [...choices.values()].sort((a, b) => a.label.localeCompare(b.label));
}

export type ChoiceKind = 'browserbaseProjects' | 'northflankProjects' | 'northflankServices' | 'exportedConnections';

export interface Choice {
  readonly id: string;
  readonly label: string;
  readonly detail?: string;
  /** Exported connections: the provider, and the descriptor its series follow. */
  readonly kind?: string;
  readonly descriptor?: string;
}

export class ProviderProbe {
  constructor(
    private readonly http: HttpClient,
    private readonly tokens: Pick<TokenStore, 'resolve'>,
    private readonly limits?: FeedLimits,
  ) {}

  /**
   * Runs every feed of the connection once with the given token; resolves to what was read, in the
   * words the status bar uses ("3 of 10 concurrent sessions running (30 %), …"), and from where.
   */
  async test(config: ConnectionConfig, token: string | undefined, now = Date.now): Promise<string> {
    const feeds = feedsFor(config, token, this.http, this.limits);
    const signal = AbortSignal.timeout(30_000);
    const samples: Sample[] = [];
    const notes: string[] = [];
    for (const connectionFeed of feeds) {
      const reading = await connectionFeed.run(signal);
      samples.push(...reading.samples);
      notes.push(...(reading.notes ?? []));
    }
    const descriptor = descriptorFor(config);
    const values = new LatestValues(descriptor);
    values.merge(samples);
    const at = now();
    const snapshot = buildSnapshot({
      config,
      latest: values.latest(),
      previous: values.previous(),
      history: samples,
      health: 'ok',
      lastSuccessAt: at,
      notes,
      tokenSource: token ? 'secretStorage' : 'none',
      now: at,
    });
    const figures = snapshot.figures.filter((figure) => figure.value !== null).map((figure) => figureInWords(snapshot.quotas, figure));
    // What each feed reads, without its asides: "/metrics/total (v1: /metrics/all): totals…" is /metrics/total.
    const sources = listInWords(descriptor.feeds.map((feed) => feed.reads.replace(/\s*\([^)]*\)/g, '').split(': ')[0] ?? feed.name));
    const series = new Set(values.latest().map((sample) => sample.series)).size;
    const read = figures.length > 0 ? figures.join(', ') : 'no values yet';
    return `Read ${sources}: ${read} (${series} series in all).${notes.length > 0 ? ` ${notes.join(' ')}` : ''}`;
  }

  /**
   * Browserbase projects, Northflank projects/services, or the connections a team Prometheus has from
   * the exporter, for pickers; undefined without a token where one is needed.
   */
  async listChoices(kind: ChoiceKind, config: ConnectionConfig, token: string | undefined): Promise<Choice[] | undefined> {
    if (!token) {
      const resolved = await this.tokens.resolve(config.id, config.kind).catch(() => undefined);
      token = resolved?.token;
    }
    const signal = AbortSignal.timeout(20_000);
    if (kind === 'exportedConnections') return exportedConnections(queryClient(config, token, this.http), signal);
    if (!token) return undefined;
    const target = { baseUrl: config.baseUrl, token };
    if (kind === 'browserbaseProjects') {
      const result = await new BrowserbaseClient(this.http, { ...target, projectId: '' }).listProjects({ signal });
      return result.projects.map((project) => ({ id: project.id, label: project.name, detail: `concurrency ${project.concurrency}` }));
    }
    const client = new NorthflankClient(this.http, { ...target, projectId: config.projectId ?? '' });
    if (kind === 'northflankProjects') {
      const result = await client.listProjects({ signal });
      return result.projects.map((project) => ({ id: project.id, label: project.name }));
    }
    const result = await client.listServices({ signal });
    return result.services.map((service) => ({ id: service.id, label: service.name, ...(service.description ? { detail: service.description } : {}) }));
  }
}

/** "a", "a and b", "a, b and c". */
function listInWords(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
