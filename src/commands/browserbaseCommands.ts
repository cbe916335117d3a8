/**
 * Command Palette access to tagged Browserbase sessions, without the panel: "Find Browserbase
 * Sessions by Metadata…" (key, value, status or a saved query; then the sessions with their usage and
 * actions), "Launch Browserbase Session with Tags…" (with the project's headroom in its confirmation)
 * and "Browserbase Cost per Tag This Cycle…" (costPerTagCommand.ts). Queries are built from the typed key path
 * and value, never from query text, so any characters are safe.
 */
import * as vscode from 'vscode';
import type { LaunchRequest } from '../browserbase/sessionService';
import { checkedExternalUrl } from '../http/externalUrl';
import type { Session } from '../providers/browserbase/schemas';
import type { ConnectionConfig } from '../shared/connections';
import { describeHeadroom, type Headroom } from '../shared/headroom';
import { costPerTagCommand } from './costPerTagCommand';
import { formatBytes, formatDuration, formatNumber } from '../shared/format';
import {
  describeCondition,
  describeQuery,
  formatKeyPath,
  NO_SERVER_QUERY,
  parseKeyPath,
  SESSION_STATUSES,
  validateCondition,
  type MetadataCondition,
  type MetadataQuery,
} from '../shared/metadataQuery';
import { metadataKeyPaths, usageByTag, usageDurationMs, usageTotals } from '../shared/usageByTag';
import type { CommandHost } from './commandHost';

type Action = 'id' | 'connect' | 'debugger' | 'release';

/** Reading the headroom must not hold the launch up for long: after this the launch goes ahead without it. */
const HEADROOM_TIMEOUT_MS = 5000;
type Item = vscode.QuickPickItem & { readonly session?: Session; readonly run?: () => unknown };

const KEY_PROMPT = 'Key path: client, order > status or order.status. A key holding > or dots: a JSON array, e.g. ["example.com", "visits"].';
const ACTIONS: readonly { readonly action: Action; readonly icon: string; readonly label: string }[] = [
  { action: 'id', icon: 'copy', label: 'Copy ID' },
  { action: 'connect', icon: 'plug', label: 'Copy Connect URL' },
  { action: 'debugger', icon: 'eye', label: 'Open Live Debugger' },
  { action: 'release', icon: 'debug-stop', label: 'Release…' },
];

const problemOf = (result: { problem: string } | object): string | undefined => ('problem' in result ? result.problem : undefined);

/** Release is offered for what it is for: a keep-alive browser still running (and billing). */
const actionsFor = (session: Session) => ACTIONS.filter((a) => a.action !== 'release' || (session.keepAlive && session.status === 'RUNNING'));

export type BrowserbaseCommandHandlers = ReturnType<typeof browserbaseCommandHandlers>;

/** The command handlers, by what they do (src/commands/palette.ts gives them their ids). */
export function browserbaseCommandHandlers(host: CommandHost) {
  const { sessions: service, savedQueries: saved } = host;
  const { launchConfirmation, SESSION_REGIONS, SESSION_TIMEOUT_RANGE } = host.launch;
  // Every failure here is a ProviderError or a plain Error: its message is written for people.
  const describeError = (error: unknown): string => host.redact(error instanceof Error ? error.message : String(error));
  const [minTimeout, maxTimeout] = SESSION_TIMEOUT_RANGE;
  const pickConnection = async (id?: unknown): Promise<ConnectionConfig | undefined> => {
    const list = service.connections();
    const given = list.find((connection) => connection.id === id);
    if (given || list.length === 1) return given ?? list[0];
    if (list.length === 0) {
      const add = 'Add Connection…';
      if ((await vscode.window.showInformationMessage('Live Usage has no Browserbase connection yet.', add)) === add)
        await vscode.commands.executeCommand('liveUsage.addConnection');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      list.map((config) => ({ label: config.label, description: config.projectId ?? '', detail: config.baseUrl, config })),
      { placeHolder: 'Which Browserbase connection?' },
    );
    return picked?.config;
  };

  /** A key path then a value; `finishOnEmptyKey` ends a list of tags with an empty key (null). */
  const askCondition = async (
    title: string,
    check: (condition: MetadataCondition) => string | undefined,
    finishOnEmptyKey: boolean,
  ): Promise<MetadataCondition | null | undefined> => {
    const keyText = await vscode.window.showInputBox({
      title,
      prompt: finishOnEmptyKey ? `${KEY_PROMPT} Leave empty to finish.` : KEY_PROMPT,
      ignoreFocusOut: true,
      validateInput: (text) => (finishOnEmptyKey && text.trim() === '' ? undefined : problemOf(parseKeyPath(text))),
    });
    if (keyText === undefined) return undefined;
    const parsed = parseKeyPath(keyText);
    if ('problem' in parsed) return null;
    const value = await vscode.window.showInputBox({
      title,
      prompt: `Value of ${formatKeyPath(parsed.path)} (matched exactly, any characters)`,
      ignoreFocusOut: true,
      validateInput: (text) => check({ path: parsed.path, value: text }),
    });
    return value === undefined ? undefined : { path: parsed.path, value };
  };

  const askQuery = async (): Promise<MetadataQuery | undefined> => {
    const queries = saved.list();
    if (queries.length > 0) {
      const picked = await vscode.window.showQuickPick<vscode.QuickPickItem & { query?: MetadataQuery }>(
        [{ label: '$(add) New query…' }, ...queries.map((entry) => ({ label: entry.name, description: describeQuery(entry.query), query: entry.query }))],
        { title: 'Find Browserbase sessions', placeHolder: 'A saved query, or a new one', matchOnDescription: true },
      );
      if (!picked) return undefined;
      if (picked.query) return picked.query;
    }
    const conditions: MetadataCondition[] = [];
    for (;;) {
      const condition = await askCondition(`Find Browserbase sessions: condition ${conditions.length + 1}`, (c) => validateCondition(c)[0], false);
      if (!condition) return undefined;
      conditions.push(condition);
      const next = await vscode.window.showQuickPick<vscode.QuickPickItem & { status?: string; more?: boolean }>(
        [{ label: 'Any status' }, ...SESSION_STATUSES.map((status) => ({ label: status, status })), { label: '$(add) Add another condition…', more: true }],
        { title: `Find sessions where ${conditions.map(describeCondition).join(' and ')}`, placeHolder: 'Status' },
      );
      if (!next) return undefined;
      if (!next.more) return { conditions, ...(next.status ? { status: next.status } : {}) };
    }
  };

  const act = async (connection: ConnectionConfig, session: Session, action: Action): Promise<void> => {
    try {
      if (action === 'id') {
        await vscode.env.clipboard.writeText(session.id);
      } else if (action === 'connect') {
        // Lists leave connectUrl out; a fetched session has it while it can still be connected to.
        const url = session.connectUrl ?? (await service.session(connection.id, session.id)).connectUrl;
        if (!url)
          return void vscode.window.showInformationMessage(`Session ${session.id} has no connect URL: Browserbase gives one only while a session runs.`);
        await vscode.env.clipboard.writeText(url);
      } else if (action === 'debugger') {
        const urls = await service.debugUrls(connection.id, session.id);
        await vscode.env.openExternal(vscode.Uri.parse(checkedExternalUrl(urls.debuggerFullscreenUrl, 'live-view URL')));
        return;
      } else {
        const release = 'Release';
        const answer = await vscode.window.showWarningMessage(
          `Release Browserbase session ${session.id}?`,
          { modal: true, detail: 'The browser stops now, and so does its billing.' },
          release,
        );
        if (answer !== release) return;
        const released = await service.release(connection.id, session.id);
        return void vscode.window.showInformationMessage(`Session ${session.id} released (${released.status}).`);
      }
      vscode.window.setStatusBarMessage(`$(check) Copied ${action === 'id' ? 'session id' : 'connect URL'}`, 3000);
    } catch (error) {
      void vscode.window.showErrorMessage(`${connection.label}: ${describeError(error)}`);
    }
  };

  const breakdown = async (sessions: readonly Session[]): Promise<void> => {
    const key = await vscode.window.showQuickPick(
      metadataKeyPaths(sessions).map((entry) => ({ label: formatKeyPath(entry.path), description: `${entry.sessions} session(s)`, path: entry.path })),
      { title: 'Usage by tag', placeHolder: 'Break the usage down by which key?' },
    );
    if (!key) return;
    const { buckets } = usageByTag(sessions, key.path, Date.now());
    await vscode.window.showQuickPick(
      buckets.map((bucket) => ({
        label: bucket.label,
        description: `${formatNumber(bucket.minutes)} browser min · ${bucket.sessions} session(s) · ${formatBytes(bucket.proxyBytes)} proxy`,
      })),
      { title: `Usage by ${key.label} (billed minutes: at least 1 per session)` },
    );
  };

  const showSessions = async (connection: ConnectionConfig, query: MetadataQuery): Promise<void> => {
    let found;
    try {
      found = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Finding Browserbase sessions where ${describeQuery(query)}…` },
        () => service.find(connection.id, query),
      );
    } catch (error) {
      return void vscode.window.showErrorMessage(`${connection.label}: ${describeError(error)}`);
    }
    const now = Date.now();
    const totals = usageTotals(found.sessions, now);
    const pick = vscode.window.createQuickPick<Item>();
    pick.title = `${found.sessions.length} session(s) · ${formatNumber(totals.minutes)} browser min · ${formatBytes(totals.proxyBytes)} proxy — ${describeQuery(query)}`;
    pick.placeholder = found.plan.q
      ? `Sent q=${found.plan.q}${found.plan.localConditions.length ? `; ${found.plan.localConditions.length} more condition(s) checked locally` : ''}`
      : `q: ${NO_SERVER_QUERY}`;
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    pick.items = [
      { label: '$(save) Save this query…', run: () => saveQuery(query) },
      ...(found.sessions.length > 0 ? [{ label: '$(graph) Usage by tag…', run: () => breakdown(found.sessions) }] : []),
      ...found.sessions.map((session) => {
        const duration = usageDurationMs(session, now);
        return {
          label: session.id,
          description: [session.status, session.region, duration === null ? '—' : formatDuration(duration / 1000)].join(' · '),
          detail: JSON.stringify(session.userMetadata ?? {}),
          session,
          buttons: actionsFor(session).map((a) => ({ iconPath: new vscode.ThemeIcon(a.icon), tooltip: a.label })),
        };
      }),
    ];
    pick.onDidTriggerItemButton((event) => {
      const action = ACTIONS.find((a) => a.label === event.button.tooltip);
      return event.item.session && action ? act(connection, event.item.session, action.action) : undefined;
    });
    pick.onDidAccept(async () => {
      const item = pick.selectedItems[0];
      pick.hide();
      if (item?.run) return void (await item.run());
      const session = item?.session;
      if (!session) return;
      const chosen = await vscode.window.showQuickPick(actionsFor(session), { title: session.id });
      if (chosen) await act(connection, session, chosen.action);
    });
    pick.onDidHide(() => pick.dispose());
    pick.show();
  };

  const saveQuery = async (query: MetadataQuery): Promise<void> => {
    const name = await vscode.window.showInputBox({
      title: 'Save query as',
      value: describeQuery(query),
      validateInput: (text) => (text.trim() ? undefined : 'Required'),
    });
    if (!name) return;
    await saved.save({ name: name.trim(), query });
    vscode.window.setStatusBarMessage(`$(check) Saved query ${name.trim()}`, 3000);
  };

  const find = async (arg?: { connectionId?: string; query?: MetadataQuery }): Promise<void> => {
    const connection = await pickConnection(arg?.connectionId);
    const query = connection && (arg?.query ?? (await askQuery()));
    if (connection && query) await showSessions(connection, query);
  };

  const launch = async (arg?: { connectionId?: string; tags?: readonly MetadataCondition[] }): Promise<void> => {
    const connection = await pickConnection(arg?.connectionId);
    if (!connection) return;
    const tags: MetadataCondition[] = [...(arg?.tags ?? [])];
    for (;;) {
      const check = (condition: MetadataCondition) => service.launchProblems({ tags: [...tags, condition] })[0];
      const prefix = tags.length > 0 ? `Tags: ${tags.map(describeCondition).join(', ')}. ` : '';
      const condition = await askCondition(`Launch Browserbase session: ${prefix}tag ${tags.length + 1}`, check, true);
      if (condition === undefined) return;
      if (condition === null) break;
      tags.push(condition);
    }
    const region = await vscode.window.showQuickPick(
      SESSION_REGIONS.map((name, i) => ({ label: name, description: i === 0 ? 'default' : '' })),
      { title: 'Launch Browserbase session: region', ignoreFocusOut: true },
    );
    if (!region) return;
    const keepAlive = await vscode.window.showQuickPick(
      [
        { label: 'No', detail: 'The session ends when its client disconnects.', value: false },
        { label: 'Keep alive', detail: 'The browser survives disconnects and runs (billed) until released or timed out.', value: true },
      ],
      { title: 'Launch Browserbase session: keep alive?', ignoreFocusOut: true },
    );
    if (!keepAlive) return;
    const timeoutText = await vscode.window.showInputBox({
      title: 'Launch Browserbase session: timeout',
      prompt: `Seconds (${minTimeout}–${maxTimeout}); empty for the project's default`,
      ignoreFocusOut: true,
      validateInput: (text) => {
        const seconds = Number(text.trim());
        return text.trim() === '' || (Number.isInteger(seconds) && seconds >= minTimeout && seconds <= maxTimeout)
          ? undefined
          : `A whole number from ${minTimeout} to ${maxTimeout}`;
      },
    });
    if (timeoutText === undefined) return;
    const request: LaunchRequest = {
      tags,
      region: region.label,
      keepAlive: keepAlive.value,
      ...(timeoutText.trim() ? { timeout: Number(timeoutText.trim()) } : {}),
    };
    const problem = service.launchProblems(request)[0];
    if (problem) return void vscode.window.showErrorMessage(`Session not launched: ${problem}`);
    let headroom: Headroom;
    try {
      headroom = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Reading how many sessions ${connection.label} runs…` },
        () => service.headroom(connection.id, AbortSignal.timeout(HEADROOM_TIMEOUT_MS)),
      );
    } catch (error) {
      // Without a key nothing can be launched either: say so now rather than after the confirmation.
      if (host.isAuthFailure(error)) return void vscode.window.showErrorMessage(`${connection.label}: ${describeError(error)}`);
      headroom = { running: null, limit: null, readAt: Date.now(), oldest: [], problem: describeError(error) };
    }
    const start = 'Start Session';
    const confirmation = launchConfirmation(connection.label, request, describeHeadroom(headroom, Date.now()));
    if ((await vscode.window.showWarningMessage(confirmation.message, { modal: true, detail: confirmation.detail }, start)) !== start) return;
    let session: Session;
    try {
      session = (
        await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Starting a Browserbase session…' }, () =>
          service.launch(connection.id, request),
        )
      ).session;
    } catch (error) {
      return void vscode.window.showErrorMessage(`${connection.label}: ${describeError(error)}`);
    }
    const choice = await vscode.window.showInformationMessage(
      `Started Browserbase session ${session.id} (${session.region}).`,
      ...ACTIONS.slice(0, 3).map((a) => a.label),
    );
    const action = ACTIONS.find((a) => a.label === choice);
    if (action) await act(connection, session, action.action);
  };

  return { find, launch, costPerTag: costPerTagCommand(service, pickConnection, describeError) };
}
