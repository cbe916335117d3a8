/**
 * Shows quota notifications: once per crossing (decided by QuotaNotifier), each with Open Panel,
 * Snooze… and Don't Show Again, as the habits of a well-behaved extension ask. Three short labels:
 * with four longer ones a toast cut every label ("Open Usag…", "Snooze …"). Snooze asks how long.
 */
import * as vscode from 'vscode';
import type { QuotaNotificationSink } from '../connections/connectionService';
import type { RedactingLog } from '../log';
import type { ConnectionConfig } from '../shared/connections';
import type { ConnectionSnapshot } from '../shared/snapshot';
import { snoozeForAnHour, snoozeUntilTomorrow, type QuotaNotification, type QuotaNotifier } from './quotaNotifier';

export const NOTIFICATION_ACTIONS = { open: 'Open Panel', snooze: 'Snooze…', never: "Don't Show Again" } as const;
const SNOOZE_HOUR = 'For an hour';
const SNOOZE_TOMORROW = 'Until tomorrow';

export class NotificationPresenter implements QuotaNotificationSink {
  constructor(
    private readonly notifier: QuotaNotifier,
    private readonly enabled: () => boolean,
    private readonly log: RedactingLog,
  ) {}

  notify(connection: ConnectionConfig, snapshot: ConnectionSnapshot): void {
    const notifications = this.notifier.evaluate({ id: connection.id, label: connection.label, kind: connection.kind }, snapshot.quotas);
    for (const notification of notifications) {
      this.log.info(`Quota ${notification.level}: ${notification.message}`);
      if (this.enabled()) void this.show(notification);
    }
  }

  private async show(notification: QuotaNotification): Promise<void> {
    const show = notification.level === 'critical' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
    const { open, snooze, never } = NOTIFICATION_ACTIONS;
    const choice = await show(notification.message, open, snooze, never);
    if (choice === open) await vscode.commands.executeCommand('liveUsage.openPanel', notification.connectionId);
    else if (choice === never) await this.notifier.silence(notification.connectionId, notification.ruleId);
    else if (choice === snooze) {
      const until = await vscode.window.showQuickPick([SNOOZE_HOUR, SNOOZE_TOMORROW], { title: 'Snooze this warning', placeHolder: notification.message });
      const now = Date.now();
      if (until === SNOOZE_HOUR) await this.notifier.snooze(notification.connectionId, notification.ruleId, snoozeForAnHour(now));
      else if (until === SNOOZE_TOMORROW) await this.notifier.snooze(notification.connectionId, notification.ruleId, snoozeUntilTomorrow(now));
    }
  }
}
