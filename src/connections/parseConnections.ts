/**
 * Reads the `liveUsage.connections` setting. settings.json is hand-edited, so every entry is checked
 * on its own: a bad entry is skipped with a message naming it and the field at fault, and the others
 * still work. Pure: tested without VS Code.
 */
import * as z from 'zod/mini';
import { lazy } from '../shared/lazy';
import { baseUrlProblem } from './connectionFields';
import { checkBrowserlessConfig } from '../providers/browserless/browserlessClient';
import { SEGMENT_ID } from '../providers/ids';
import { EXPORTABLE_KINDS } from '../providers/types';
import { describeSettingIssue } from './settingIssues';
import type { ConnectionConfig, ProviderKind } from '../shared/connections';
import { MAX_RUNAWAY_MINUTES, MIN_RUNAWAY_MINUTES } from '../shared/runawaySessions';
import type { KnownUnit } from '../shared/samples';

export { baseUrlProblem, makeConnectionId } from './connectionFields';

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const KINDS = ['browserless', 'browserbase', 'northflank', 'cerebras', 'prometheus', 'prometheusQuery'] as const satisfies readonly ProviderKind[];
export const PANEL_UNITS = [
  'count',
  'percent',
  'ratio',
  'seconds',
  'milliseconds',
  'minutes',
  'bytes',
  'megabytes',
  'requestsPerSecond',
  'kilobitsPerSecond',
  'vcpu',
  'tokens',
  'units',
  'state',
  'none',
] as const satisfies readonly KnownUnit[];
/** Panels per connection: each is one query per poll. */
export const MAX_PANELS = 20;

const percent = lazy(() => z.number().check(z.minimum(1), z.maximum(100)));
/** A limit: 0 would mean nothing, so it must be above 0. */
const positive = lazy(() => z.number().check(z.positive()));
/** A plan allowance: 0 means "none included", so any use is billed as overage (and is over quota). */
const allowance = lazy(() => z.number().check(z.minimum(0)));

const quotaSchema = lazy(() =>
  z.object({
    warnPercent: z.optional(percent()),
    criticalPercent: z.optional(percent()),
    monthlyBrowserMinutes: z.optional(allowance()),
    monthlyProxyGigabytes: z.optional(allowance()),
    billingCycleDay: z.optional(z.int().check(z.minimum(1), z.maximum(28))),
    failureRatePercent: z.optional(percent()),
    p95LatencySeconds: z.optional(positive()),
    cpuLimitVcpu: z.optional(positive()),
    memoryLimitMegabytes: z.optional(positive()),
  }),
);

const httpUrl = lazy(() =>
  z.string().check(
    z.superRefine((value, context) => {
      const problem = baseUrlProblem(value);
      if (problem !== undefined) context.addIssue({ code: 'custom', message: problem, input: value });
    }),
  ),
);

const panelSchema = lazy(() =>
  z.object({
    title: z.string().check(z.minLength(1), z.maxLength(80)),
    query: z.string().check(z.minLength(1), z.maxLength(4000)),
    unit: z.optional(z.enum(PANEL_UNITS)),
    threshold: z.optional(positive()),
  }),
);

const providerId = lazy(() => z.string().check(z.regex(SEGMENT_ID, 'letters, digits, - and _ only (at most 128, starting with a letter or digit)')));

const connectionSchema = lazy(() =>
  z.object({
    id: z.string().check(z.regex(ID_PATTERN, 'letters, digits, - and _ only (at most 64)')),
    kind: z.enum(KINDS),
    label: z.optional(z.string()),
    baseUrl: httpUrl(),
    browserlessVersion: z.optional(z.enum(['v2', 'v1'])),
    authMode: z.optional(z.enum(['query', 'bearer', 'basic'])),
    username: z.optional(z.string().check(z.minLength(1))),
    exportedConnection: z.optional(z.string().check(z.regex(ID_PATTERN, 'the exporter’s connection id: letters, digits, - and _ only'))),
    exportedKind: z.optional(z.enum(EXPORTABLE_KINDS as readonly ['browserless', 'browserbase', 'northflank', 'cerebras'])),
    queries: z.optional(z.array(panelSchema()).check(z.maxLength(MAX_PANELS))),
    projectId: z.optional(providerId()),
    resourceKind: z.optional(z.enum(['service', 'job', 'addon'])),
    resourceId: z.optional(providerId()),
    usageScope: z.optional(z.enum(['billingCycle', 'lifetime', 'auto'])),
    runawaySessionMinutes: z.optional(z.number().check(z.minimum(MIN_RUNAWAY_MINUTES), z.maximum(MAX_RUNAWAY_MINUTES))),
    organizationId: z.optional(providerId()),
    pollIntervalSeconds: z.optional(z.number().check(z.minimum(5), z.maximum(86_400))),
    quota: z.optional(quotaSchema()),
    enabled: z.optional(z.boolean()),
  }),
);

/** The fields a connection may have (the team exporter refuses any other in its file). */
export const connectionFields = (): readonly string[] => Object.keys(connectionSchema().shape);
export const quotaFields = (): readonly string[] => Object.keys(quotaSchema().shape);

/** What is wrong with one entry: which entry (`"id"` or `#3`), and the field at fault with why. */
export interface ConnectionIssue {
  readonly entry: string;
  readonly detail: string;
}

export interface ParsedConnections {
  readonly connections: readonly ConnectionConfig[];
  /** One plain-words line per skipped entry. */
  readonly problems: readonly string[];
  /** The same, structured, in the same order. */
  readonly issues: readonly ConnectionIssue[];
}

/** Fields a provider cannot work without, beyond the common ones. */
function missingRequired(config: ConnectionConfig): string | undefined {
  if (config.kind === 'browserbase' && !config.projectId) return 'projectId (the Browserbase project id) is required';
  if (config.kind === 'northflank' && (!config.projectId || !config.resourceId))
    return 'projectId and resourceId (the Northflank project and service) are required';
  if (config.kind === 'cerebras' && !config.organizationId) return 'organizationId (org_…) is required';
  if (config.kind === 'prometheusQuery') {
    const problem = prometheusQueryProblem(config);
    if (problem) return problem;
  }
  if (config.kind === 'browserless') {
    const problem = checkBrowserlessConfig({ version: config.browserlessVersion ?? 'v2', authMode: config.authMode ?? 'query' });
    if (problem) return problem;
  }
  const quota = config.quota;
  if (quota?.warnPercent !== undefined && quota.criticalPercent !== undefined && quota.warnPercent > quota.criticalPercent) {
    return 'quota.warnPercent must not be above quota.criticalPercent';
  }
  return undefined;
}

/** What a Prometheus query connection needs: something to read, and auth the HTTP API takes. */
function prometheusQueryProblem(config: ConnectionConfig): string | undefined {
  const exported = config.exportedConnection !== undefined;
  if (exported !== (config.exportedKind !== undefined)) {
    return 'exportedConnection and exportedKind go together: the exporter’s connection id and its provider';
  }
  const panels = config.queries ?? [];
  if (!exported && panels.length === 0) return 'exportedConnection (a connection of the team exporter) or queries (PromQL panels) is required';
  if (exported && panels.length > 0)
    return 'queries: a connection reads an exporter connection or PromQL panels, not both; add another connection for the panels';
  if (config.authMode === 'query') return 'authMode: a Prometheus server takes bearer or basic';
  if (config.authMode === 'basic' && !config.username) return 'username is required with authMode basic (the token is the password)';
  const titles = new Set<string>();
  for (const [index, panel] of panels.entries()) {
    if (titles.has(panel.title)) return `queries[${index}].title: another panel has this title`;
    titles.add(panel.title);
  }
  return undefined;
}

/**
 * `base` names the list in messages: `liveUsage.connections` in settings, the exporter's own word in
 * its file.
 */
export function parseConnections(value: unknown, base = 'liveUsage.connections'): ParsedConnections {
  if (value === undefined || value === null) return { connections: [], problems: [], issues: [] };
  if (!Array.isArray(value)) return { connections: [], problems: [`${base} must be a list of connections`], issues: [] };
  const connections: ConnectionConfig[] = [];
  const issues: ConnectionIssue[] = [];
  const seen = new Set<string>();
  value.forEach((entry: unknown, index) => {
    const name =
      entry && typeof entry === 'object' && typeof (entry as { id?: unknown }).id === 'string' ? `"${(entry as { id: string }).id}"` : `#${index + 1}`;
    const result = connectionSchema().safeParse(entry);
    if (!result.success) {
      const issue = result.error.issues[0];
      issues.push({ entry: name, detail: issue ? describeSettingIssue(issue, entry, `${base}[${index}]`) : 'not a valid connection' });
      return;
    }
    const config: ConnectionConfig = { ...result.data, label: result.data.label?.trim() || result.data.id, baseUrl: result.data.baseUrl.trim() };
    const missing = missingRequired(config);
    if (missing) {
      issues.push({ entry: name, detail: missing });
      return;
    }
    if (seen.has(config.id)) {
      issues.push({ entry: name, detail: 'id: another connection already uses this id' });
      return;
    }
    seen.add(config.id);
    connections.push(config);
  });
  return { connections, problems: issues.map((issue) => `Connection ${issue.entry} was skipped: ${issue.detail}`), issues };
}
