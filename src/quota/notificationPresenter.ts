/**
 * Shows quota notifications: once per crossing (decided by QuotaNotifier), each with Open Panel,
 * Snooze and Don't Show Again, as the habits of a well-behaved extension ask.
 */
import * as vscode from 'vscode';
import type { QuotaNotificationSink } from '../connections/connectionService';
import type { RedactingLog } from '../log';
import type { ConnectionConfig } from '../shared/connections';
import type { ConnectionSnapshot } from '../shared/snapshot';
import { snoozeForAnHour, snoozeUntilTomorrow, type QuotaNotification, type QuotaNotifier } from './quotaNotifier';

const OPEN = 'Open Usage Panel';
const SNOOZE_HOUR = 'Snooze 1 Hour';
const SNOOZE_TOMORROW = 'Snooze Until Tomorrow';
const NEVER = "Don't Show Again";

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
    const choice = await show(notification.message, OPEN, SNOOZE_HOUR, SNOOZE_TOMORROW, NEVER);
    const now = Date.now();
    if (choice === OPEN) await vscode.commands.executeCommand('liveUsage.openPanel', notification.connectionId);
    else if (choice === SNOOZE_HOUR) await this.notifier.snooze(notification.connectionId, notification.ruleId, snoozeForAnHour(now));
    else if (choice === SNOOZE_TOMORROW) await this.notifier.snooze(notification.connectionId, notification.ruleId, snoozeUntilTomorrow(now));
    else if (choice === NEVER) await this.notifier.silence(notification.connectionId, notification.ruleId);
  }
}
