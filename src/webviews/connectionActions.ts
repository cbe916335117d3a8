/**
 * The buttons a connection has on the sidebar cards and in the usage panel, as the commands they run:
 * one place, so both surfaces do the same thing for the same button.
 */
import type { ConnectionAction } from '../shared/pageMessages';

/** Runs a contributed command (vscode.commands.executeCommand in the extension). */
export type RunCommand = (command: string, ...args: unknown[]) => PromiseLike<unknown>;

export const WALKTHROUGH_ID = 'live-usage.live-usage#liveUsage.getStarted';

export async function runConnectionAction(action: ConnectionAction, run: RunCommand): Promise<void> {
  switch (action.type) {
    case 'refresh':
      await run('liveUsage.refresh', action.connectionId);
      return;
    case 'openPanel':
      await run('liveUsage.openPanel', action.connectionId);
      return;
    case 'setToken':
      await run('liveUsage.setToken', action.connectionId);
      return;
    case 'openSessions':
      await run('liveUsage.openBrowserbaseSessions', action.connectionId);
      return;
    case 'addConnection':
      await run('liveUsage.addConnection');
      return;
    case 'openWalkthrough':
      await run('workbench.action.openWalkthrough', WALKTHROUGH_ID, false);
      return;
  }
}

const ACTION_TYPES: ReadonlySet<string> = new Set(['refresh', 'openPanel', 'setToken', 'openSessions', 'addConnection', 'openWalkthrough']);

export function isConnectionAction(message: { readonly type: string }): message is ConnectionAction {
  return ACTION_TYPES.has(message.type);
}
