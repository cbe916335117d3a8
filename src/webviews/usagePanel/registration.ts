/** The usage panel: one webview panel on the one webview host, restored after a reload with its range. */
import * as vscode from 'vscode';
import { parsePanelPageMessage, type ExportFormat, type PanelHostMessage, type PanelPageMessage } from '../../shared/panelProtocol';
import { isRangeId } from '../../shared/ranges';
import type { ViewSource } from '../connectionHistory';
import { WebviewPanelHost, type HostLog } from '../webviewHost';
import { UsagePanelController, type PanelHistoryReader, type UsagePanelArgs } from './usagePanelController';

export const PANEL_TYPE = 'liveUsage.panel';

async function saveExport(fileName: string, format: ExportFormat, content: string): Promise<string | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    title: `Export ${fileName}`,
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, fileName) } : {}),
    filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
  });
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(content));
  const written = target.path.slice(target.path.lastIndexOf('/') + 1);
  void vscode.window.setStatusBarMessage(`$(check) Exported ${written}`, 5000);
  return written;
}

export function usagePanel(
  extensionUri: vscode.Uri,
  source: ViewSource,
  history: PanelHistoryReader,
  log: HostLog,
): WebviewPanelHost<PanelPageMessage, PanelHostMessage, UsagePanelArgs> {
  return new WebviewPanelHost<PanelPageMessage, PanelHostMessage, UsagePanelArgs>(
    extensionUri,
    {
      viewType: PANEL_TYPE,
      name: 'usage panel',
      parse: parsePanelPageMessage,
      shell: { surface: 'panel', title: 'Live Usage', styles: ['views.css'], loading: 'Loading Live Usage…' },
      argsFromState: (state) => {
        const range = typeof state === 'object' && state !== null ? (state as { range?: unknown }).range : undefined;
        return isRangeId(range) ? { range } : undefined;
      },
    },
    (handle, args) =>
      new UsagePanelController(
        handle,
        { source, history, run: (command, ...rest) => vscode.commands.executeCommand(command, ...rest), save: saveExport, log },
        args,
      ),
    log,
  );
}
