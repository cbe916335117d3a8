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
import { feedsFor } from './feeds';
import { LatestValues } from './latestValues';
import { buildSnapshot } from './snapshotBuilder';

export type ChoiceKind = 'browserbaseProjects' | 'northflankProjects' | 'northflankServices';

export interface Choice {
  readonly id: string;
  readonly label: string;
  readonly detail?: string;
}

export class ProviderProbe {
  constructor(
    private readonly http: HttpClient,
    private readonly tokens: Pick<TokenStore, 'resolve'>,
  ) {}

  /**
   * Runs every feed of the connection once with the given token; resolves to what was read, in the
   * words the status bar uses ("3 of 10 concurrent sessions running (30 %), …"), and from where.
   */
  async test(config: ConnectionConfig, token: string | undefined, now = Date.now): Promise<string> {
    const feeds = feedsFor(config, token, this.http);
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

  /** Browserbase projects or Northflank projects/services for pickers; undefined without a token. */
  async listChoices(kind: ChoiceKind, config: ConnectionConfig, token: string | undefined): Promise<Choice[] | undefined> {
    if (!token) {
      const resolved = await this.tokens.resolve(config.id, config.kind).catch(() => undefined);
      token = resolved?.token;
    }
    if (!token) return undefined;
    const signal = AbortSignal.timeout(20_000);
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
