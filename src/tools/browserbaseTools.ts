/**
 * The language model tools' work, without `vscode`: read usage from the snapshots, find Browserbase
 * sessions by metadata, launch a tagged one and release one, through the one session service (so a
 * launch from a tool and one from the panel share the idempotency guard). Every input is checked
 * before anything is sent (toolInput.ts); a missing key is named with how to set it; every answer and
 * every error message passes through redaction of every known token. languageModelTools.ts wraps this
 * for VS Code.
 */
import type { CommandHost } from '../commands/commandHost';
import type { BrowserbaseSessionService, LaunchRequest } from '../browserbase/sessionService';
import type { ConnectionConfig } from '../shared/connections';
import { describeHeadroom, type Headroom } from '../shared/headroom';
import { describeQuery, NO_SERVER_QUERY } from '../shared/metadataQuery';
import { describeTags, formatRunningFor, shortSessionId } from '../shared/runawaySessions';
import type { ConnectionSnapshot } from '../shared/snapshot';
import { usageDurationMs, usageTotals } from '../shared/usageByTag';
import { CONNECT_URL_WITHHELD, sessionFacts } from './toolAnswers';
import { parseFindInput, parseLaunchInput, parseReleaseInput, parseUsageInput, ToolInputError, type LaunchInput } from './toolInput';
import { usageReport, type ProviderWords } from './usageReport';

/**
 * What the tools use of the running extension. They ship in the lazily loaded bundle, so everything
 * with state or a class of its own (the session service, the token store, the log's redaction, the
 * provider registry) arrives here; toolInvocations.ts builds it from the CommandHost.
 */
export interface ToolHost {
  connections(): readonly ConnectionConfig[];
  snapshots(): readonly ConnectionSnapshot[];
  /** The one session service of the extension. */
  sessions(): Promise<BrowserbaseSessionService>;
  /** Whether a connection has a token, never the token. */
  tokenSource(config: ConnectionConfig): Promise<'secretStorage' | 'environment' | 'none'>;
  /** The text with every token the extension holds masked, in any of its forms: every answer passes through it. */
  redact(text: string): Promise<string>;
  now(): number;
  readonly providers: ProviderWords;
  /** The launch confirmation and limits the sessions panel and the palette use. */
  readonly launch: Pick<CommandHost['launch'], 'launchConfirmation' | 'SESSION_TIMEOUT_RANGE'>;
}

/** The tools' host from the palette's: the same services, the log's redaction widened to every token a connection holds. */
export function toolHostOf(host: CommandHost): ToolHost {
  return {
    connections: () => host.controller.connections(),
    snapshots: () => host.snapshots(),
    sessions: () => Promise.resolve(host.sessions),
    tokenSource: async (config) => (await host.tokens.resolve(config.id, config.kind)).source,
    redact: (text) => host.redactEveryToken(text),
    now: Date.now,
    providers: host.providers,
    launch: host.launch,
  };
}

/** What VS Code shows before a tool runs; a confirmation only for what starts or stops a billed browser. */
export interface Preparation {
  readonly invocationMessage: string;
  readonly confirmation?: { readonly title: string; readonly message: string };
}

/** A headroom read for a confirmation serves the launch that follows it, if that comes soon. */
const HEADROOM_REUSE_MS = 30_000;
const HEADROOM_TIMEOUT_MS = 5000;

export class BrowserbaseTools {
  private readonly headrooms = new Map<string, { readonly headroom: Headroom; readonly at: number }>();

  constructor(private readonly host: ToolHost) {}

  async readUsage(raw: unknown): Promise<string> {
    return this.answer(async () => {
      const input = parseUsageInput(raw);
      let snapshots = this.host.snapshots();
      if (input.connectionId !== undefined) {
        snapshots = snapshots.filter((snapshot) => snapshot.id === input.connectionId);
        if (snapshots.length === 0)
          throw new ToolInputError(`No connection ${JSON.stringify(input.connectionId)}; the connections are ${this.ids(this.host.connections())}.`);
      }
      if (snapshots.length === 0) return 'Live Usage has no connections yet. Ask the user to add one with the command "Live Usage: Add Connection…".';
      return JSON.stringify(usageReport(snapshots, this.host.now(), this.host.providers), null, 1);
    });
  }

  async find(raw: unknown, signal?: AbortSignal): Promise<string> {
    return this.answer(async () => {
      const input = parseFindInput(raw);
      const config = await this.ready(input.connectionId);
      const found = await (await this.host.sessions()).find(config.id, input.query, signal);
      const now = this.host.now();
      const totals = usageTotals(found.sessions, now);
      return JSON.stringify(
        {
          connectionId: config.id,
          label: config.label,
          query: describeQuery(input.query),
          sentToBrowserbase: found.plan.q === undefined ? NO_SERVER_QUERY : { q: found.plan.q },
          exactness: 'Browserbase takes one condition per query; every condition was checked on the returned metadata, so the list is exact.',
          matched: found.sessions.length,
          listed: Math.min(found.sessions.length, input.limit),
          totals: { billedMinutes: totals.minutes, proxyBytes: totals.proxyBytes, running: totals.running },
          sessions: found.sessions.slice(0, input.limit).map((session) => sessionFacts(session, now)),
        },
        null,
        1,
      );
    });
  }

  async prepareLaunch(raw: unknown, signal?: AbortSignal): Promise<Preparation> {
    const invocationMessage = 'Launching a tagged Browserbase session';
    try {
      const input = parseLaunchInput(raw, this.host.launch.SESSION_TIMEOUT_RANGE);
      const config = await this.ready(input.connectionId);
      const service = await this.host.sessions();
      // A launch that will be refused unsent needs no confirmation: its answer says why.
      if (service.launchProblems(request(input)).length > 0) return { invocationMessage };
      const headroom = describeHeadroom(await this.headroom(service, config, signal), this.host.now());
      const { message, detail } = this.host.launch.launchConfirmation(config.label, request(input), headroom);
      return { invocationMessage, confirmation: { title: message, message: await this.clean(detail) } };
    } catch {
      return { invocationMessage };
    }
  }

  async launch(raw: unknown): Promise<string> {
    return this.answer(async () => {
      const input = parseLaunchInput(raw, this.host.launch.SESSION_TIMEOUT_RANGE);
      const config = await this.ready(input.connectionId);
      const service = await this.host.sessions();
      const problem = service.launchProblems(request(input))[0];
      if (problem) throw new ToolInputError(`Session not launched, nothing was sent: ${problem}`);
      const headroom = describeHeadroom(await this.headroom(service, config), this.host.now());
      const { session, reused } = await service.launch(config.id, request(input));
      this.headrooms.delete(config.id);
      return JSON.stringify(
        {
          launched: true,
          reused,
          ...(reused ? { reusedBecause: 'the same launch was already under way or had just finished: one browser, not two' } : {}),
          connectionId: config.id,
          label: config.label,
          headroomBeforeLaunch: headroom.text,
          ...(headroom.warning ? { warning: headroom.warning } : {}),
          session: sessionFacts(session, this.host.now()),
          billing: 'Billed from now, at least one minute. Release it with the releaseBrowserbaseSession tool when the work is done.',
          connectUrl: CONNECT_URL_WITHHELD,
        },
        null,
        1,
      );
    });
  }

  async prepareRelease(raw: unknown): Promise<Preparation> {
    const invocationMessage = 'Releasing a Browserbase session';
    try {
      const input = parseReleaseInput(raw);
      const config = await this.ready(input.connectionId);
      const service = await this.host.sessions();
      const session = await service.session(config.id, input.sessionId).catch(() => undefined);
      const now = this.host.now();
      const duration = session ? usageDurationMs(session, now) : null;
      const about = session
        ? session.status === 'RUNNING'
          ? ` It has run for ${duration === null ? 'an unknown time' : formatRunningFor(duration)}${session.keepAlive ? ' (keep-alive)' : ''}${describeTags(session.userMetadata) ? `, tagged ${describeTags(session.userMetadata)}` : ''}.`
          : ` It is already ${session.status}: releasing it changes nothing.`
        : '';
      return {
        invocationMessage,
        confirmation: {
          title: `Release Browserbase session ${shortSessionId(input.sessionId)}?`,
          message: await this.clean(`Release session ${input.sessionId} on ${config.label}?${about} The browser stops now, and so does its billing.`),
        },
      };
    } catch {
      return { invocationMessage };
    }
  }

  async release(raw: unknown): Promise<string> {
    return this.answer(async () => {
      const input = parseReleaseInput(raw);
      const config = await this.ready(input.connectionId);
      const released = await (await this.host.sessions()).release(config.id, input.sessionId);
      return JSON.stringify({ released: true, connectionId: config.id, label: config.label, session: sessionFacts(released, this.host.now()) }, null, 1);
    });
  }

  /** The Browserbase connection meant, with a key: else a message that says which and how to set it. */
  private async ready(connectionId: string | undefined): Promise<ConnectionConfig> {
    const all = this.host.connections();
    const browserbase = all.filter((config) => config.kind === 'browserbase');
    let config: ConnectionConfig | undefined;
    if (connectionId !== undefined) {
      config = browserbase.find((candidate) => candidate.id === connectionId);
      const other = all.find((candidate) => candidate.id === connectionId);
      if (!config)
        throw new ToolInputError(
          other
            ? `Connection ${JSON.stringify(connectionId)} is a ${this.host.providers.PROVIDER_NAMES[other.kind]} connection, not Browserbase; the Browserbase ones are ${this.ids(browserbase)}.`
            : `No connection ${JSON.stringify(connectionId)}; the Browserbase ones are ${this.ids(browserbase)}.`,
        );
    } else if (browserbase.length === 1) {
      config = browserbase[0];
    } else if (browserbase.length > 1) {
      throw new ToolInputError(`There are several Browserbase connections: give connectionId, one of ${this.ids(browserbase)}.`);
    }
    if (!config) throw new ToolInputError('Live Usage has no Browserbase connection. Ask the user to add one with the command "Live Usage: Add Connection…".');
    if ((await this.host.tokenSource(config)) === 'none') {
      const variable = this.host.providers.TOKEN_ENVIRONMENT_VARIABLES.browserbase.join(' or ');
      throw new ToolInputError(
        `Connection "${config.label}" (connectionId ${config.id}) has no Browserbase API key, so nothing was sent. Ask the user to run the command "Live Usage: Set Token…" and pick "${config.label}" (the key goes to VS Code's secret storage; never ask for it in chat), or to start VS Code with ${variable} set.`,
      );
    }
    return config;
  }

  private async headroom(service: BrowserbaseSessionService, config: ConnectionConfig, signal?: AbortSignal): Promise<Headroom> {
    const cached = this.headrooms.get(config.id);
    const now = this.host.now();
    if (cached && now - cached.at < HEADROOM_REUSE_MS) return cached.headroom;
    const timeout = AbortSignal.timeout(HEADROOM_TIMEOUT_MS);
    const headroom = await service.headroom(config.id, signal ? AbortSignal.any([signal, timeout]) : timeout).catch((error: unknown): Headroom => ({
      running: null,
      limit: null,
      readAt: now,
      oldest: [],
      problem: error instanceof Error ? error.message : String(error),
    }));
    this.headrooms.set(config.id, { headroom, at: now });
    return headroom;
  }

  private ids(connections: readonly ConnectionConfig[]): string {
    return connections.length === 0 ? 'none' : connections.map((config) => `${config.id} ("${config.label}")`).join(', ');
  }

  private clean(text: string): Promise<string> {
    return this.host.redact(text);
  }

  /** Runs a tool: its answer, or an Error whose message (redacted) tells the model what went wrong. */
  private async answer(run: () => Promise<string>): Promise<string> {
    try {
      return await this.clean(await run());
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(await this.clean(message));
    }
  }
}

function request(input: LaunchInput): LaunchRequest {
  return {
    tags: input.tags,
    ...(input.region === undefined ? {} : { region: input.region }),
    ...(input.keepAlive === undefined ? {} : { keepAlive: input.keepAlive }),
    ...(input.timeoutSeconds === undefined ? {} : { timeout: input.timeoutSeconds }),
  };
}
