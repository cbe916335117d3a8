/**
 * Guided commands for connections and tokens: Add, Edit, Remove, Test Connection, Set Token, Clear
 * Token. Each is usable from the Command Palette without knowing the settings' shape; settings.json
 * stays the place for bulk edits ("Edit in settings.json").
 */
import { addConnectionTitle, type AddConnectionStep } from './addConnectionSteps';
import type { CommandHost } from './commandHost';
import type { CommandHandler } from './deferredCommands';
import * as vscode from 'vscode';
import { baseUrlProblem, makeConnectionId } from '../connections/connectionFields';
import { addTeamConnections } from './teamConnectionCommands';
import type { ConnectionConfig, ProviderKind } from '../shared/connections';
import { DEFAULT_RUNAWAY_MINUTES, MAX_RUNAWAY_MINUTES, MIN_RUNAWAY_MINUTES, runawayThresholdMinutes } from '../shared/runawaySessions';

/** What the commands need from the connection service. */
export interface ConnectionController {
  connections(): readonly ConnectionConfig[];
  /** Runs every feed of the connection once with the given token; resolves to a plain-words summary. */
  test(config: ConnectionConfig, token: string | undefined): Promise<string>;
  /** Lists Browserbase projects, Northflank projects/services or a team Prometheus' exporter connections for pickers; undefined when it can't. */
  listChoices(
    kind: 'browserbaseProjects' | 'northflankProjects' | 'northflankServices' | 'exportedConnections',
    config: ConnectionConfig,
    token: string | undefined,
  ): Promise<{ id: string; label: string; detail?: string; kind?: string; descriptor?: string }[] | undefined>;
  refresh(connectionId?: string): void;
  tokenChanged(connectionId: string): void;
  removeHistory(connectionId: string): Promise<void>;
}

function validateUrl(value: string): string | undefined {
  const problem = baseUrlProblem(value);
  return problem === undefined ? undefined : `The URL ${problem}`;
}

/** A failure in words for a message: its own text (written for people), through the log's token redaction. */
export function describeError(host: Pick<CommandHost, 'redact'>, error: unknown): string {
  return host.redact(error instanceof Error ? error.message : String(error));
}

async function pickConnection({ controller, providers }: CommandHost, placeHolder: string): Promise<ConnectionConfig | undefined> {
  const connections = controller.connections();
  if (connections.length === 0) {
    const add = 'Add Connection…';
    if ((await vscode.window.showInformationMessage('Live Usage has no connections yet.', add)) === add) {
      await vscode.commands.executeCommand('liveUsage.addConnection');
    }
    return undefined;
  }
  if (connections.length === 1) return connections[0];
  const picked = await vscode.window.showQuickPick(
    connections.map((config) => ({ label: config.label, description: providers.PROVIDER_NAMES[config.kind], detail: config.baseUrl, config })),
    // Kept open if focus moves: run from the palette over a webview, the editor's focus coming back
    // would otherwise close it before it could be answered.
    { placeHolder, matchOnDescription: true, ignoreFocusOut: true },
  );
  return picked?.config;
}

async function askToken(
  host: Pick<CommandHost, 'providers'>,
  config: Pick<ConnectionConfig, 'kind' | 'label'>,
  optional: boolean,
  title = `Token for ${config.label}`,
): Promise<string | undefined | null> {
  const variables = host.providers.TOKEN_ENVIRONMENT_VARIABLES[config.kind];
  const hints = [
    optional ? 'Leave empty if the server needs none.' : undefined,
    variables.length > 0 ? `Without one, ${variables.join(' or ')} from the environment is used.` : undefined,
  ].filter(Boolean);
  const value = await vscode.window.showInputBox({
    title,
    prompt: `Stored in VS Code's secret storage, never in settings. ${hints.join(' ')}`.trim(),
    password: true,
    ignoreFocusOut: true,
    placeHolder: config.kind === 'browserbase' ? 'bb_live_…' : 'token',
  });
  if (value === undefined) return null; // cancelled
  return value.trim() === '' ? undefined : value.trim();
}

const CHOICE_NAMES = {
  browserbaseProjects: 'Browserbase projects',
  northflankProjects: 'Northflank projects',
  northflankServices: 'Northflank services',
} as const;

/** A pick list from the provider when possible, else a free-text input. */
async function pickOrInput(
  controller: ConnectionController,
  kind: 'browserbaseProjects' | 'northflankProjects' | 'northflankServices',
  draft: ConnectionConfig,
  token: string | undefined,
  title: string,
  prompt: string,
): Promise<string | undefined> {
  let choices: { id: string; label: string; detail?: string }[] | undefined;
  try {
    choices = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Listing ${CHOICE_NAMES[kind]}…` }, () =>
      controller.listChoices(kind, draft, token),
    );
  } catch {
    choices = undefined;
  }
  if (choices && choices.length > 0) {
    const picked = await vscode.window.showQuickPick(
      choices.map((choice) => ({ label: choice.label, description: choice.id, ...(choice.detail ? { detail: choice.detail } : {}), id: choice.id })),
      { title, placeHolder: prompt, ignoreFocusOut: true, matchOnDescription: true },
    );
    return picked?.id;
  }
  const typed = await vscode.window.showInputBox({ title, prompt, ignoreFocusOut: true, validateInput: (value) => (value.trim() ? undefined : 'Required') });
  return typed?.trim();
}

/** The handlers of the connection commands, by command id (registered by the container's DeferredCommands). */
export function connectionCommandHandlers(host: CommandHost): Record<string, CommandHandler> {
  const { controller, settings, tokens, providers } = host;
  const { PROVIDER_NAMES, PROVIDER_SUMMARIES, DEFAULT_BASE_URLS, DEFAULT_FEED_INTERVALS_MS, MIN_INTERVAL_MS } = providers;
  const describe = (error: unknown) => describeError(host, error);
  const ask = (config: Pick<ConnectionConfig, 'kind' | 'label'>, optional: boolean, title?: string) => askToken(host, config, optional, title);
  const addConnection = async (): Promise<void> => {
    const kindPick = await vscode.window.showQuickPick(
      (Object.keys(PROVIDER_NAMES) as ProviderKind[]).map((kind) => ({ label: PROVIDER_NAMES[kind], detail: PROVIDER_SUMMARIES[kind], provider: kind })),
      { title: addConnectionTitle(undefined, 'provider'), placeHolder: 'Which provider?', ignoreFocusOut: true },
    );
    if (!kindPick) return;
    const kind = kindPick.provider;
    const title = (step: AddConnectionStep) => addConnectionTitle(kind, step);
    const baseUrl = await vscode.window.showInputBox({
      title: title('base URL'),
      prompt:
        kind === 'prometheus'
          ? 'The full scrape URL, e.g. http://localhost:9090/metrics'
          : kind === 'prometheusQuery'
            ? 'The team Prometheus server (its query API is under /api/v1), e.g. https://prometheus.example.com'
            : `The ${PROVIDER_NAMES[kind]} API's base URL (a regional, self-hosted or local server works too)`,
      value: DEFAULT_BASE_URLS[kind],
      ignoreFocusOut: true,
      validateInput: validateUrl,
    });
    if (baseUrl === undefined) return;
    const taken = new Set(controller.connections().map((connection) => connection.id));
    let draft: ConnectionConfig = { id: makeConnectionId(PROVIDER_NAMES[kind], taken), kind, label: PROVIDER_NAMES[kind], baseUrl: baseUrl.trim() };
    if (kind === 'prometheusQuery') return addTeamConnections({ controller, settings, tokens, askToken: ask, describeError: describe }, draft, taken);

    if (kind === 'browserless') {
      const version = await vscode.window.showQuickPick(
        [
          { label: 'v2', detail: 'Current cloud (production-*.browserless.io) and open-source v2 servers', value: 'v2' as const },
          { label: 'v1', detail: 'Legacy servers such as chrome.browserless.io', value: 'v1' as const },
        ],
        { title: title('server generation'), placeHolder: 'Which Browserless?', ignoreFocusOut: true },
      );
      if (!version) return;
      const hosted = /\.browserless\.io$/i.test(new URL(draft.baseUrl).hostname);
      const modes = [
        {
          label: 'Query parameter (?token=)',
          detail: 'What hosted Browserless v2 documents; every server takes it. The token is redacted from every log and message.',
          value: 'query' as const,
        },
        ...(version.value === 'v2'
          ? [{ label: 'Authorization: Bearer', detail: 'Self-hosted v2 servers; keeps the token out of URLs.', value: 'bearer' as const }]
          : []),
        {
          label: 'Authorization: Basic',
          detail: 'v1 servers, hosted or self-hosted, and self-hosted v2; keeps the token out of URLs.',
          value: 'basic' as const,
        },
      ];
      if (!hosted) modes.sort((a, b) => (a.value === 'bearer' ? -1 : b.value === 'bearer' ? 1 : 0));
      const mode = await vscode.window.showQuickPick(modes, {
        title: title('token placement'),
        placeHolder: 'How does the server take the token?',
        ignoreFocusOut: true,
      });
      if (!mode) return;
      draft = { ...draft, browserlessVersion: version.value, authMode: mode.value };
    }

    const token = await ask(draft, kind === 'browserless' || kind === 'prometheus', `${title('token')} for ${PROVIDER_NAMES[kind]}`);
    if (token === null) return;

    if (kind === 'browserbase') {
      const projectId = await pickOrInput(
        controller,
        'browserbaseProjects',
        draft,
        token,
        title('project'),
        'Project id (Settings page of the Browserbase dashboard)',
      );
      if (!projectId) return;
      draft = { ...draft, projectId };
    } else if (kind === 'northflank') {
      const projectId = await pickOrInput(controller, 'northflankProjects', draft, token, title('project'), 'Northflank project id');
      if (!projectId) return;
      draft = { ...draft, projectId };
      const resourceId = await pickOrInput(controller, 'northflankServices', draft, token, title('service'), 'Northflank service id');
      if (!resourceId) return;
      draft = { ...draft, resourceKind: 'service', resourceId };
    } else if (kind === 'cerebras') {
      const organizationId = await vscode.window.showInputBox({
        title: title('organization'),
        prompt: 'Organization id from the Cerebras dashboard Settings page',
        placeHolder: 'org_…',
        ignoreFocusOut: true,
        validateInput: (value) => (value.trim() ? undefined : 'Required'),
      });
      if (!organizationId) return;
      draft = { ...draft, organizationId: organizationId.trim() };
    }

    const label = await vscode.window.showInputBox({
      title: title('name'),
      prompt: 'Shown in the status bar and the views',
      value: draft.label,
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() ? undefined : 'Required'),
    });
    if (!label) return;
    draft = { ...draft, label: label.trim(), id: makeConnectionId(label, taken) };

    try {
      if (token) await tokens.set(draft.id, token);
    } catch (error) {
      void vscode.window.showErrorMessage(describe(error));
      return;
    }
    await settings.add(draft);
    const summary = await controller.test(draft, token).catch((error: unknown) => `Could not read it yet: ${describe(error)}`);
    void vscode.window.showInformationMessage(`Added ${draft.label}. ${summary}`, 'Open Panel').then((choice) => {
      if (choice) void vscode.commands.executeCommand('liveUsage.openPanel');
    });
  };

  const editConnection = async (arg?: string): Promise<void> => {
    const config = arg ? controller.connections().find((connection) => connection.id === arg) : await pickConnection(host, 'Which connection?');
    if (!config) return;
    const choice = await vscode.window.showQuickPick(
      [
        { label: 'Name', description: config.label, field: 'label' as const },
        { label: 'Base URL', description: config.baseUrl, field: 'baseUrl' as const },
        {
          label: 'Poll interval',
          description: config.pollIntervalSeconds ? `${config.pollIntervalSeconds} s` : 'provider default',
          field: 'interval' as const,
        },
        ...(config.kind === 'browserbase'
          ? [
              { label: 'Monthly browser minutes budget', description: config.quota?.monthlyBrowserMinutes?.toString() ?? 'not set', field: 'budget' as const },
              { label: 'Usage scope', description: config.usageScope ?? 'auto', field: 'scope' as const },
              {
                label: 'Runaway session threshold',
                description: `${runawayThresholdMinutes(config.runawaySessionMinutes)} min`,
                field: 'runaway' as const,
              },
            ]
          : []),
        {
          label: 'Warning and critical thresholds',
          description: `${config.quota?.warnPercent ?? 75} % / ${config.quota?.criticalPercent ?? 90} %`,
          field: 'thresholds' as const,
        },
        { label: config.enabled === false ? 'Enable polling' : 'Disable polling', field: 'enabled' as const },
        { label: 'Edit in settings.json', field: 'json' as const },
      ],
      { title: `Edit ${config.label}`, ignoreFocusOut: true },
    );
    if (!choice) return;
    let next: ConnectionConfig | undefined;
    const positiveNumber = (value: string) =>
      value.trim() === '' || (Number.isFinite(Number(value)) && Number(value) > 0) ? undefined : 'Enter a positive number';
    switch (choice.field) {
      case 'label': {
        const value = await vscode.window.showInputBox({ value: config.label, validateInput: (text) => (text.trim() ? undefined : 'Required') });
        if (value) next = { ...config, label: value.trim() };
        break;
      }
      case 'baseUrl': {
        const value = await vscode.window.showInputBox({ value: config.baseUrl, validateInput: validateUrl });
        if (value) next = { ...config, baseUrl: value.trim() };
        break;
      }
      case 'interval': {
        const defaults = DEFAULT_FEED_INTERVALS_MS[config.kind];
        const defaultSeconds = (Object.values(defaults)[0] ?? 60_000) / 1000;
        const floorSeconds = Math.max(5, MIN_INTERVAL_MS[config.kind] / 1000);
        const value = await vscode.window.showInputBox({
          prompt: `Seconds between polls of the main feed: empty for the default (${defaultSeconds} s); at least ${floorSeconds} s for ${PROVIDER_NAMES[config.kind]}`,
          value: config.pollIntervalSeconds?.toString() ?? '',
          validateInput: (text) =>
            text.trim() === '' || Number(text) >= floorSeconds
              ? undefined
              : `At least ${floorSeconds} seconds: faster would eat into ${PROVIDER_NAMES[config.kind]}'s rate limit`,
        });
        if (value !== undefined) next = { ...config, pollIntervalSeconds: value.trim() === '' ? undefined : Number(value) };
        break;
      }
      case 'budget': {
        const value = await vscode.window.showInputBox({
          prompt: 'Browser minutes included per billing cycle (empty to clear)',
          value: config.quota?.monthlyBrowserMinutes?.toString() ?? '',
          validateInput: positiveNumber,
          // A view updating behind the box must not throw away what is being typed.
          ignoreFocusOut: true,
        });
        if (value !== undefined) next = { ...config, quota: { ...config.quota, monthlyBrowserMinutes: value.trim() === '' ? undefined : Number(value) } };
        break;
      }
      case 'scope': {
        const scopes = [
          { label: 'auto', detail: 'Infer it, and say what was inferred and why (a drop at a cycle start, or a comparison with this cycle’s sessions)' },
          { label: 'billingCycle', detail: 'The usage Browserbase reports covers the current billing cycle' },
          {
            label: 'lifetime',
            detail: 'It covers the project’s lifetime: this cycle’s use is counted from a reading before the cycle, or from the sessions list',
          },
        ] as const;
        const picked = await vscode.window.showQuickPick(scopes, { title: 'What does Browserbase’s reported usage cover?', ignoreFocusOut: true });
        if (picked) next = { ...config, usageScope: picked.label };
        break;
      }
      case 'runaway': {
        const value = await vscode.window.showInputBox({
          prompt: `Minutes after which a running session (keep-alive ones too) is a runaway: ${MIN_RUNAWAY_MINUTES}–${MAX_RUNAWAY_MINUTES}, empty for the default (${DEFAULT_RUNAWAY_MINUTES})`,
          value: config.runawaySessionMinutes?.toString() ?? '',
          validateInput: (text) => {
            const minutes = Number(text.trim());
            return text.trim() === '' || (Number.isFinite(minutes) && minutes >= MIN_RUNAWAY_MINUTES && minutes <= MAX_RUNAWAY_MINUTES)
              ? undefined
              : `A number of minutes from ${MIN_RUNAWAY_MINUTES} to ${MAX_RUNAWAY_MINUTES}`;
          },
          ignoreFocusOut: true,
        });
        if (value !== undefined) next = { ...config, runawaySessionMinutes: value.trim() === '' ? undefined : Number(value.trim()) };
        break;
      }
      case 'thresholds': {
        const value = await vscode.window.showInputBox({
          prompt: 'Warning and critical percentages, e.g. "75, 90"',
          value: `${config.quota?.warnPercent ?? 75}, ${config.quota?.criticalPercent ?? 90}`,
          validateInput: (text) => {
            const [warn, critical] = text.split(/[,\s/]+/).map(Number);
            return warn !== undefined && critical !== undefined && warn >= 1 && critical <= 100 && warn <= critical
              ? undefined
              : 'Two percentages, warning ≤ critical, e.g. 75, 90';
          },
        });
        if (value) {
          const [warn, critical] = value.split(/[,\s/]+/).map(Number);
          next = { ...config, quota: { ...config.quota, warnPercent: warn, criticalPercent: critical } };
        }
        break;
      }
      case 'enabled':
        next = { ...config, enabled: config.enabled === false };
        break;
      case 'json':
        await vscode.commands.executeCommand('workbench.action.openSettingsJson', { revealSetting: { key: 'liveUsage.connections', edit: true } });
        return;
    }
    if (next) await settings.replace(next);
  };

  const removeConnection = async (arg?: string): Promise<void> => {
    const config = arg ? controller.connections().find((connection) => connection.id === arg) : await pickConnection(host, 'Which connection to remove?');
    if (!config) return;
    const remove = 'Remove';
    const answer = await vscode.window.showWarningMessage(
      `Remove ${config.label}? Its token and its history on this machine are deleted too.`,
      { modal: true },
      remove,
    );
    if (answer !== remove) return;
    await settings.remove(config.id);
    await tokens.clear(config.id).catch(() => undefined);
    await controller.removeHistory(config.id).catch(() => undefined);
  };

  const testConnection = async (arg?: string): Promise<void> => {
    const config = arg ? controller.connections().find((connection) => connection.id === arg) : await pickConnection(host, 'Which connection to test?');
    if (!config) return;
    try {
      const resolved = await tokens.resolve(config.id, config.kind);
      const summary = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Testing ${config.label}…` }, () =>
        controller.test(config, resolved.token),
      );
      void vscode.window.showInformationMessage(`${config.label}: ${summary}`);
    } catch (error) {
      const setToken = 'Set Token…';
      const actions = host.isAuthFailure(error) ? [setToken] : [];
      const choice = await vscode.window.showErrorMessage(`${config.label}: ${describe(error)}`, ...actions);
      if (choice === setToken) await vscode.commands.executeCommand('liveUsage.setToken', config.id);
    }
  };

  const setToken = async (arg?: string): Promise<void> => {
    const config = arg
      ? controller.connections().find((connection) => connection.id === arg)
      : await pickConnection(host, 'Set the token of which connection?');
    if (!config) return;
    const token = await ask(config, false);
    if (!token) return;
    try {
      await tokens.set(config.id, token);
      controller.tokenChanged(config.id);
      void vscode.window.setStatusBarMessage(`$(check) Token for ${config.label} stored`, 4000);
    } catch (error) {
      void vscode.window.showErrorMessage(describe(error));
    }
  };

  const clearToken = async (arg?: string): Promise<void> => {
    const config = arg
      ? controller.connections().find((connection) => connection.id === arg)
      : await pickConnection(host, 'Clear the token of which connection?');
    if (!config) return;
    try {
      await tokens.clear(config.id);
      controller.tokenChanged(config.id);
      void vscode.window.setStatusBarMessage(`Token for ${config.label} cleared`, 4000);
    } catch (error) {
      void vscode.window.showErrorMessage(describe(error));
    }
  };

  return {
    'liveUsage.addConnection': addConnection,
    'liveUsage.editConnection': editConnection,
    'liveUsage.removeConnection': removeConnection,
    'liveUsage.testConnection': testConnection,
    'liveUsage.setToken': setToken,
    'liveUsage.clearToken': clearToken,
  };
}
