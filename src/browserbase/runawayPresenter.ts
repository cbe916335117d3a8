/**
 * Shows one notification per runaway Browserbase session (decided by RunawayNotifier), with Release,
 * Open Live Debugger and Ignore. Only the window that polls a connection is asked, like for quotas.
 */
import * as vscode from 'vscode';
import type { QuotaNotificationSink } from '../connections/connectionService';
import type { LogSink } from '../log';
import type { ConnectionConfig } from '../shared/connections';
import type { RunawaySession } from '../shared/runawaySessions';
import type { ConnectionSnapshot } from '../shared/snapshot';
import { runawayMessage, type RunawayNotifier } from './runawayNotifier';

export const RUNAWAY_ACTIONS = { release: 'Release', debugger: 'Open Live Debugger', ignore: 'Ignore' } as const;

/** What the buttons do, lent by the host (the session service, the poller). */
export interface RunawayActions {
  /** Releases the session and answers its status after. */
  release(connectionId: string, sessionId: string): Promise<string>;
  openDebugger(connectionId: string, sessionId: string): Promise<void>;
  /** Reads the connection again, so the released session leaves the lists at once. */
  refresh(connectionId: string): void;
}

const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class RunawayPresenter implements QuotaNotificationSink {
  constructor(
    private readonly notifier: RunawayNotifier,
    private readonly enabled: () => boolean,
    private readonly actions: RunawayActions,
    private readonly log: Pick<LogSink, 'info'>,
  ) {}

  notify(connection: ConnectionConfig, snapshot: ConnectionSnapshot): void {
    const runaways = snapshot.runaways;
    if (!runaways) return;
    for (const session of this.notifier.evaluate(connection.id, runaways.sessions)) {
      const message = runawayMessage({ id: connection.id, label: connection.label, kind: connection.kind }, session, runaways.thresholdMinutes, {
        locale: vscode.env.language,
      });
      this.log.info(`Runaway session: ${message}`);
      if (this.enabled()) void this.show(connection, session, message);
    }
  }

  private async show(connection: ConnectionConfig, session: RunawaySession, message: string): Promise<void> {
    const choice = await vscode.window.showWarningMessage(message, RUNAWAY_ACTIONS.release, RUNAWAY_ACTIONS.debugger, RUNAWAY_ACTIONS.ignore);
    try {
      if (choice === RUNAWAY_ACTIONS.release) {
        const status = await this.actions.release(connection.id, session.id);
        this.actions.refresh(connection.id);
        void vscode.window.showInformationMessage(`${connection.label}: session ${session.id} released (${status}).`);
      } else if (choice === RUNAWAY_ACTIONS.debugger) {
        await this.actions.openDebugger(connection.id, session.id);
      }
    } catch (error) {
      void vscode.window.showErrorMessage(`${connection.label}: ${describeError(error)}`);
    }
  }
}
