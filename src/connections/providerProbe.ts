/**
 * One-off calls for the connection commands: Test Connection (every feed once) and the pickers'
 * project and service lists. Separate from polling: nothing here is stored or scheduled.
 */
import type { HttpClient } from '../http/httpClient';
import { BrowserbaseClient } from '../providers/browserbase/client';
import { NorthflankClient } from '../providers/northflank/client';
import type { TokenStore } from '../secrets/tokenStore';
import type { ConnectionConfig } from '../shared/connections';
import { feedsFor } from './feeds';

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

  /** Runs every feed of the connection once with the given token; resolves to a plain-words summary. */
  async test(config: ConnectionConfig, token: string | undefined): Promise<string> {
    const feeds = feedsFor(config, token, this.http);
    const signal = AbortSignal.timeout(30_000);
    const parts: string[] = [];
    let values = 0;
    for (const connectionFeed of feeds) {
      const reading = await connectionFeed.run(signal);
      values += reading.samples.length;
      const notes = reading.notes?.length ? ` (${reading.notes.join('; ')})` : '';
      parts.push(`${connectionFeed.name}: ${reading.samples.length} value(s)${notes}`);
    }
    return `Connected: ${values} value(s) read — ${parts.join(', ')}.`;
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
