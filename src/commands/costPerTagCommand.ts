/**
 * "Browserbase Cost per Tag This Cycle…": the billing cycle's sessions of a connection's project,
 * grouped by the values of a key the person picks, each value with its billed minutes, share and
 * projection to the cycle's end; exported as CSV from the same list.
 */
import * as vscode from 'vscode';
import type { BrowserbaseSessionService } from '../browserbase/sessionService';
import { costPerTag, costPerTagCsv, costPerTagFileName, tagCostWords } from '../shared/costPerTag';
import type { ConnectionConfig } from '../shared/connections';
import { formatBytes, formatDay, formatNumber } from '../shared/format';
import { formatKeyPath } from '../shared/metadataQuery';
import { metadataKeyPaths } from '../shared/usageByTag';
import { saveTextFile } from './saveTextFile';

/** `describeError` is the palette's: a failure's message through the log's redaction of every known token. */
export function costPerTagCommand(
  service: BrowserbaseSessionService,
  pickConnection: (id?: unknown) => Promise<ConnectionConfig | undefined>,
  describeError: (error: unknown) => string,
) {
  return async (arg?: { connectionId?: string; path?: readonly string[] }): Promise<void> => {
    const connection = await pickConnection(arg?.connectionId);
    if (!connection) return;
    let cycle;
    try {
      cycle = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Reading this billing cycle's sessions of ${connection.label}…` },
        () => service.cycleSessions(connection.id),
      );
    } catch (error) {
      return void vscode.window.showErrorMessage(`${connection.label}: ${describeError(error)}`);
    }
    const locale = { locale: vscode.env.language };
    const span = `${formatDay(cycle.cycle.start, locale)} – ${formatDay(cycle.cycle.end - 1, locale)}`;
    if (cycle.sessions.length === 0) return void vscode.window.showInformationMessage(`${connection.label}: no sessions started this billing cycle (${span}).`);
    let path = arg?.path;
    if (!path) {
      const key = await vscode.window.showQuickPick(
        metadataKeyPaths(cycle.sessions).map((entry) => ({ label: formatKeyPath(entry.path), description: `${entry.sessions} session(s)`, path: entry.path })),
        { title: `Cost per tag, billing cycle ${span}`, placeHolder: 'Break the cycle’s minutes down by which key?' },
      );
      if (!key) return;
      path = key.path;
    }
    const report = costPerTag(cycle.sessions, path, cycle.cycle, cycle.at);
    const exportItem = { label: '$(save) Export CSV…', export: true };
    const totals = report.totals;
    const picked = await vscode.window.showQuickPick<vscode.QuickPickItem & { export?: boolean }>(
      [
        exportItem,
        ...report.buckets.map((bucket) => ({
          label: bucket.label,
          description: tagCostWords(bucket, report.cycle, locale),
          detail: `${bucket.sessions} session(s)${bucket.running ? `, ${bucket.running} running` : ''} · ${formatBytes(bucket.proxyBytes, locale)} proxy`,
        })),
      ],
      {
        title: `${connection.label}: ${formatNumber(totals.minutes, locale)} billed min this cycle (${span}) by ${formatKeyPath(path)}${
          totals.projectedMinutes === null
            ? ` (${report.projectionNote ?? 'no projection'})`
            : `, about ${formatNumber(totals.projectedMinutes, locale)} min by its end`
        }`,
        matchOnDescription: true,
      },
    );
    if (!picked?.export) return;
    await saveTextFile(costPerTagFileName(connection.id, report), costPerTagCsv(report), { CSV: ['csv'] });
  };
}
