/** The sidebar: the Live Usage overview view in its activity-bar container, on the one webview host. */
import * as vscode from 'vscode';
import { parseSidebarPageMessage, type SidebarHostMessage, type SidebarPageMessage } from '../../shared/sidebarProtocol';
import type { HistoryReader } from '../chartDataSource';
import type { ViewSource } from '../connectionHistory';
import { WebviewViewHost, type HostLog } from '../webviewHost';
import { SidebarController } from './sidebarController';

export const OVERVIEW_VIEW = 'liveUsage.overview';

export function sidebarView(
  extensionUri: vscode.Uri,
  source: ViewSource,
  history: HistoryReader,
  log: HostLog,
): WebviewViewHost<SidebarPageMessage, SidebarHostMessage> {
  return new WebviewViewHost(
    extensionUri,
    {
      name: 'Live Usage overview',
      parse: parseSidebarPageMessage,
      shell: { surface: 'sidebar', title: 'Live Usage overview', styles: ['views.css'], loading: 'Loading Live Usage…' },
    },
    () => new SidebarController({ source, history, run: (command, ...args) => vscode.commands.executeCommand(command, ...args), log }),
    log,
  );
}
