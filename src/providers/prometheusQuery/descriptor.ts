/**
 * A Prometheus server read through its HTTP query API (`/api/v1/query`, `/api/v1/query_range`): the
 * team Prometheus that scrapes the Live Usage exporter, or anything that speaks that API (Thanos,
 * Mimir, VictoriaMetrics). A connection reads one exporter connection, and is then shown with that
 * provider's descriptor (registry.descriptorFor), or a set of ad-hoc PromQL panels, shown with this
 * one: each panel is a series named by its title, in the unit its settings give, with its threshold
 * as a quota rule (src/quota/panelRules.ts). Facts: docs/exporter.md.
 */
import { defineProvider, type ResolvedSeries } from '../descriptor';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** A panel's series is its title: the chart and the card line are named by it. */
export function resolvePanel(series: string): ResolvedSeries {
  return { known: true, spec: { label: series, semantics: 'gauge', description: `The PromQL panel “${series}” from the connection’s settings.` } };
}

export const PROMETHEUS_QUERY_DESCRIPTOR = defineProvider({
  id: 'prometheusQuery',
  kind: 'prometheusQuery',
  name: 'Team Prometheus',
  abbreviation: 'TP',
  summary: 'A Prometheus server’s query API: the team exporter’s connections, or PromQL panels',
  defaultBaseUrl: 'http://localhost:9090',
  tokenVariables: [],
  tokenOptional: true,
  // One instant query per poll for an exporter connection, one per panel: cheap for Prometheus, and no provider is asked.
  feeds: [{ name: 'query', reads: 'GET /api/v1/query: the latest exported readings, or each PromQL panel', intervalMs: 30 * SECOND }],
  minIntervalMs: 5 * SECOND,
  series: {},
  resolve: resolvePanel,
  quotas: [],
  charts: [],
  // Panels get their figures from their threshold rules (latestRows.buildFigures).
  figures: [],
  statusBar: { figure: '' },
  sparkline: { figure: '', windowMs: 60 * MINUTE, label: 'last hour' },
});
