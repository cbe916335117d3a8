/**
 * What the Browserbase sessions panel asks of the host, answered with the session service and the
 * saved queries. No vscode import: the panel (sessionsPanel.ts) lends it the few editor services it
 * needs through `SessionsUi`, so tests drive it against the local Browserbase server as the page would.
 * Its snapshot is `init` (connections, saved queries, launch options); finds, launches, headroom and
 * the billing cycle's sessions are answered with one-off messages.
 */
import { checkedExternalUrl } from '../http/externalUrl';
import { WALKTHROUGH_ID } from '../webviews/connectionActions';
import type { PageHandle } from '../webviews/webviewChannel';
import type { PanelController } from '../webviews/webviewHost';
import type { ConnectionConfig } from '../shared/connections';
import { describeHeadroom, type HeadroomView } from '../shared/headroom';
import { describeQuery } from '../shared/metadataQuery';
import { runawayThresholdMinutes } from '../shared/runawaySessions';
import { toSessionColumns, toSessionRow } from '../shared/sessionColumns';
import type { LaunchOptions, SessionAction, SessionsHostMessage, SessionsPageMessage } from '../shared/sessionsProtocol';
import type { SavedQueries } from './savedQueries';
import { launchConfirmation, SESSION_REGIONS, SESSION_TIMEOUT_RANGE, type BrowserbaseSessionService } from './sessionService';

export interface SessionsUi {
  /** A modal yes/no; true to go ahead. */
  confirm(message: string, detail: string, action: string): Promise<boolean>;
  copy(text: string, what: string): Promise<void>;
  openExternal(url: string): Promise<void>;
  info(message: string): void;
  error(message: string): void;
  runCommand(command: string, ...args: unknown[]): Promise<void>;
  debug(message: string): void;
  /** Writes an export where the person picks in a save dialog; nothing without that choice. */
  save(fileName: string, content: string): Promise<void>;
}

/** Reading the headroom must not hold a confirmation up for long: after this the launch is asked without it. */
const HEADROOM_TIMEOUT_MS = 5000;

const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** What the panel is opened for: a connection to show. */
export interface SessionsPanelArgs {
  readonly connectionId?: string;
}

export class SessionsController implements PanelController<SessionsPageMessage, SessionsHostMessage, SessionsPanelArgs> {
  /** Launch confirmations on screen, by connection and request: a second click joins the first. */
  private readonly confirming = new Map<string, Promise<boolean>>();
  private preselect: string | undefined;

  constructor(
    private readonly service: BrowserbaseSessionService,
    private readonly saved: SavedQueries,
    private readonly ui: SessionsUi,
    private readonly page: PageHandle<SessionsHostMessage>,
    args?: SessionsPanelArgs,
  ) {
    this.preselect = args?.connectionId;
  }

  private post(message: SessionsHostMessage): void {
    this.page.send(message);
  }

  /** The panel was asked for again, maybe for another connection: the page is told its choices anew. */
  reopened(args: SessionsPanelArgs | undefined): void {
    if (args?.connectionId === undefined) return;
    this.preselect = args.connectionId;
    this.page.update();
  }

  /** The page's choices: connections, saved queries, launch options. */
  snapshot(): SessionsHostMessage {
    const [min, max] = SESSION_TIMEOUT_RANGE;
    const connections = this.service.connections().map((config: ConnectionConfig) => ({
      id: config.id,
      label: config.label,
      ...(config.projectId ? { projectId: config.projectId } : {}),
      runawayMinutes: runawayThresholdMinutes(config.runawaySessionMinutes),
    }));
    const connectionId = connections.some((connection) => connection.id === this.preselect) ? this.preselect : undefined;
    this.preselect = undefined;
    return {
      type: 'init',
      connections,
      savedQueries: this.saved.list(),
      regions: [...SESSION_REGIONS],
      timeoutRange: [min, max],
      ...(connectionId ? { connectionId } : {}),
    };
  }

  async receive(message: SessionsPageMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        // The channel sends the snapshot (`init`) this asks for.
        return;
      case 'find':
        return this.find(message.requestId, message.connectionId, message);
      case 'launch':
        return this.launch(message.requestId, message.connectionId, message.options);
      case 'sessionAction':
        return this.act(message.connectionId, message.sessionId, message.action);
      case 'saveQuery':
        await this.saved.save(message.saved);
        this.ui.info(`Saved query "${message.saved.name}": ${describeQuery(message.saved.query)}. Also in Live Usage: Find Browserbase Sessions by Metadata…`);
        return this.page.update();
      case 'deleteQuery':
        await this.saved.remove(message.name);
        return this.page.update();
      case 'setToken':
        return this.ui.runCommand('liveUsage.setToken', message.connectionId);
      case 'addConnection':
        return this.ui.runCommand('liveUsage.addConnection');
      case 'openWalkthrough':
        return this.ui.runCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false);
      case 'rendered':
        return this.ui.debug(`sessions panel: ${message.rows} row(s) drawn in ${Math.round(message.ms)} ms`);
      case 'headroom':
        return void (await this.headroom(message.connectionId));
      case 'cycle':
        return this.cycle(message.requestId, message.connectionId);
      case 'exportCsv':
        return this.ui.save(message.fileName, message.content);
    }
  }

  /** Reads the project's headroom and tells the page; what could not be read is said in the words, never thrown. */
  private async headroom(connectionId: string): Promise<HeadroomView> {
    let view: HeadroomView;
    try {
      view = describeHeadroom(await this.service.headroom(connectionId, AbortSignal.timeout(HEADROOM_TIMEOUT_MS)), Date.now());
    } catch (error) {
      view = describeHeadroom({ running: null, limit: null, readAt: Date.now(), oldest: [], problem: describeError(error) }, Date.now());
    }
    this.post({ type: 'headroom', connectionId, text: view.text, ...(view.warning ? { warning: view.warning } : {}), readAt: Date.now() });
    return view;
  }

  private async cycle(requestId: number, connectionId: string): Promise<void> {
    try {
      const { sessions, cycle, at } = await this.service.cycleSessions(connectionId);
      this.post({ type: 'cycle', requestId, connectionId, sessions: toSessionColumns(sessions), start: cycle.start, end: cycle.end, at });
    } catch (error) {
      this.post({ type: 'failed', requestId, operation: 'cycle', message: describeError(error) });
    }
  }

  private async find(requestId: number, connectionId: string, { query }: Extract<SessionsPageMessage, { type: 'find' }>): Promise<void> {
    try {
      const found = await this.service.find(connectionId, query);
      this.post({
        type: 'results',
        requestId,
        connectionId,
        // Columns read only the fields a page shows: no URLs, keys or project ids go out.
        sessions: toSessionColumns(found.sessions),
        ...(found.plan.q === undefined ? {} : { q: found.plan.q }),
        ...(found.plan.encoded === undefined ? {} : { encoded: found.plan.encoded }),
        returned: found.returned,
        fetchedAt: found.fetchedAt,
      });
    } catch (error) {
      this.post({ type: 'failed', requestId, operation: 'find', message: describeError(error) });
    }
  }

  private async launch(requestId: number, connectionId: string, options: LaunchOptions): Promise<void> {
    const connection = this.service.connections().find((config) => config.id === connectionId);
    const problem = connection ? this.service.launchProblems(options)[0] : `No Browserbase connection ${JSON.stringify(connectionId)} is configured.`;
    if (problem || !connection) {
      this.post({ type: 'failed', requestId, operation: 'launch', message: `Session not launched: ${problem ?? ''}` });
      return;
    }
    const key = `${connectionId}\n${JSON.stringify(options)}`;
    let confirmed = this.confirming.get(key);
    if (!confirmed) {
      // Read now, not when the form opened: the confirmation names the headroom the launch will meet.
      // Kept in `confirming` from the start, so a second click while it is read joins this one.
      confirmed = this.headroom(connectionId).then((headroom) => {
        const { message, detail } = launchConfirmation(connection.label, options, headroom);
        return this.ui.confirm(message, detail, 'Start Session');
      });
      this.confirming.set(key, confirmed);
      void confirmed.finally(() => this.confirming.delete(key)).catch(() => undefined);
    }
    if (!(await confirmed.catch(() => false))) {
      this.post({ type: 'launchCancelled', requestId });
      return;
    }
    try {
      const { session, reused } = await this.service.launch(connectionId, options);
      this.post({ type: 'launched', requestId, connectionId, session: toSessionRow(session), connectUrl: session.connectUrl, reused });
    } catch (error) {
      this.post({ type: 'failed', requestId, operation: 'launch', message: describeError(error) });
    }
    // Launched or refused, the project's headroom has changed or was just learned: the form shows it anew.
    await this.headroom(connectionId);
  }

  private async act(connectionId: string, sessionId: string, action: SessionAction): Promise<void> {
    try {
      switch (action) {
        case 'copyId':
          return await this.ui.copy(sessionId, 'session id');
        case 'copyConnectUrl': {
          // Lists leave connectUrl out; a fetched session has it while it can still be connected to.
          const session = await this.service.session(connectionId, sessionId);
          if (!session.connectUrl) return this.ui.info(`Session ${sessionId} has no connect URL: Browserbase gives one only while a session runs.`);
          return await this.ui.copy(session.connectUrl, 'connect URL');
        }
        case 'openDebugger':
          return await this.ui.openExternal(checkedExternalUrl((await this.service.debugUrls(connectionId, sessionId)).debuggerFullscreenUrl, 'live-view URL'));
        case 'release': {
          const go = await this.ui.confirm(`Release Browserbase session ${sessionId}?`, 'The browser stops now, and so does its billing.', 'Release');
          if (!go) return;
          const released = await this.service.release(connectionId, sessionId);
          this.post({ type: 'session', connectionId, session: toSessionRow(released) });
          this.ui.info(`Session ${sessionId} released (${released.status}).`);
          return void (await this.headroom(connectionId));
        }
      }
    } catch (error) {
      const label = this.service.connections().find((config) => config.id === connectionId)?.label ?? connectionId;
      this.ui.error(`${label}: ${describeError(error)}`);
    }
  }
}
