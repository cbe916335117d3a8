/**
 * Add Connection's steps for a team Prometheus (kind `prometheusQuery`): the server's credentials, then
 * the exporter's connections it holds, each added as a connection shown like its provider.
 */
import * as vscode from 'vscode';
import { makeConnectionId } from '../connections/connectionFields';
import type { ConnectionConfig } from '../shared/connections';
import { addConnectionTitle } from './addConnectionSteps';
import type { CommandHost } from './commandHost';

export interface TeamCommandDeps extends Pick<CommandHost, 'controller' | 'settings' | 'tokens'> {
  /** Connection commands' failure in words, through the log's token redaction. */
  readonly describeError: (error: unknown) => string;
  /** Connection commands' token prompt: the token, undefined for none, null when cancelled. */
  readonly askToken: (config: Pick<ConnectionConfig, 'kind' | 'label'>, optional: boolean, title?: string) => Promise<string | undefined | null>;
}

/**
 * Add Connection for a team Prometheus: how it takes credentials, then the exporter connections it
 * holds, several at once, each added as a connection shown like its provider. PromQL panels are
 * written in settings.json (the last step says so when the server holds no exporter series).
 */
export async function addTeamConnections(
  { controller, settings, tokens, askToken, describeError }: TeamCommandDeps,
  base: ConnectionConfig,
  taken: Set<string>,
): Promise<void> {
  const auth = await vscode.window.showQuickPick(
    [
      { label: 'No authentication', value: 'none' as const },
      { label: 'Bearer token', detail: 'Authorization: Bearer (a reverse proxy, Grafana Cloud, Mimir)', value: 'bearer' as const },
      { label: 'Basic authentication', detail: 'A user name and a password', value: 'basic' as const },
    ],
    { title: addConnectionTitle('prometheusQuery', 'credentials'), placeHolder: 'How does the server take credentials?', ignoreFocusOut: true },
  );
  if (!auth) return;
  let draft: ConnectionConfig = base;
  let token: string | undefined;
  if (auth.value === 'basic') {
    const username = await vscode.window.showInputBox({
      title: addConnectionTitle('prometheusQuery', 'credentials', 'user name'),
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() ? undefined : 'Required'),
    });
    if (!username) return;
    draft = { ...draft, authMode: 'basic', username: username.trim() };
  }
  if (auth.value !== 'none') {
    const answer = await askToken(draft, false, addConnectionTitle('prometheusQuery', 'credentials', auth.value === 'basic' ? 'password' : 'token'));
    if (answer === null) return;
    token = answer;
  }
  let choices: Awaited<ReturnType<CommandHost['controller']['listChoices']>>;
  try {
    choices = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Asking the Prometheus server…' }, () =>
      controller.listChoices('exportedConnections', draft, token),
    );
  } catch (error) {
    void vscode.window.showErrorMessage(`Live Usage: ${describeError(error)}`);
    return;
  }
  if (!choices || choices.length === 0) {
    const open = 'Edit in settings.json';
    const choice = await vscode.window.showWarningMessage(
      'The server holds no series of the Live Usage exporter. For PromQL panels, add a prometheusQuery connection with "queries" in settings.json.',
      open,
    );
    if (choice === open)
      await vscode.commands.executeCommand('workbench.action.openSettingsJson', { revealSetting: { key: 'liveUsage.connections', edit: true } });
    return;
  }
  const picked = await vscode.window.showQuickPick(
    choices.map((choice) => ({ label: choice.label, ...(choice.detail ? { description: choice.detail } : {}), picked: true, choice })),
    { title: addConnectionTitle('prometheusQuery', 'exported connections'), canPickMany: true, ignoreFocusOut: true },
  );
  if (!picked || picked.length === 0) return;
  const added: ConnectionConfig[] = [];
  for (const { choice } of picked) {
    const label = `${choice.label} (team)`;
    const config: ConnectionConfig = {
      ...draft,
      id: makeConnectionId(label, taken),
      label,
      exportedConnection: choice.id,
      exportedKind: choice.kind as NonNullable<ConnectionConfig['exportedKind']>,
      ...(choice.descriptor === 'browserlessV1' ? { browserlessVersion: 'v1' as const } : {}),
    };
    taken.add(config.id);
    try {
      if (token) await tokens.set(config.id, token);
    } catch (error) {
      void vscode.window.showErrorMessage(describeError(error));
      return;
    }
    await settings.add(config);
    added.push(config);
  }
  void vscode.window
    .showInformationMessage(`Added ${added.map((config) => config.label).join(', ')}: read from the team Prometheus, no provider is asked.`, 'Open Usage Panel')
    .then((choice) => {
      if (choice) void vscode.commands.executeCommand('liveUsage.openPanel');
    });
}
