/**
 * Entry of dist/webview/panel.js: the state provider, the page, and the host's messages between them.
 * Says `ready` with the range the person picked before (if any), then draws each whole snapshot; tells
 * the host how long drawing took (diagnostics and the benchmark).
 */
import type { PanelHostMessage, PanelPageMessage } from '../../src/shared/panelProtocol';
import { returnFocusAfterDialogs } from '../common/focusReturn';
import { followTextColours } from '../common/textColours';
import { connectToHost } from '../common/vscodeApi';
import { PanelApp } from './panelApp';
import { PanelStateProvider } from './state';

const host = connectToHost<PanelHostMessage, PanelPageMessage>();
const provider = new PanelStateProvider(host.loadState(), (choices) => host.saveState(choices));
const root = document.getElementById('app') as HTMLElement;
followTextColours('--vscode-editor-background');
returnFocusAfterDialogs();

/** When the snapshot being drawn arrived. */
let pending: { at: number; first: boolean } | undefined;
let firstDrawReported = false;

/**
 * Chart.js draws synchronously with animations off, so the time is taken when drawing returns. The
 * first report waits for a chart to exist (charts are created as they scroll into view).
 */
function report(): void {
  const current = pending;
  if (!current) return;
  const charts = app.chartCount;
  if (charts === 0 && current.first) return;
  pending = undefined;
  firstDrawReported = true;
  host.post({ type: 'rendered', phase: current.first ? 'first' : 'update', ms: performance.now() - current.at, charts });
}

const app = new PanelApp(
  provider,
  (message) => host.post(message),
  () => report(),
);

host.onMessage((message, receivedAt) => {
  if (message.type === 'reveal') {
    void app.updateComplete.then(() => app.reveal(message.connectionId));
    return;
  }
  pending = { at: receivedAt, first: !firstDrawReported };
  provider.receive(message);
  if (!app.isConnected) root.replaceChildren(app);
  void app.updateComplete.then(() => report());
});

// Busy from the first load until a snapshot is drawn, and while a range just picked is on its way.
provider.store.subscribe(() => {
  if (provider.state.snapshot && !provider.state.busy) root.removeAttribute('aria-busy');
  else root.setAttribute('aria-busy', 'true');
});

// Relative times ("updated 12 s ago") age between snapshots.
setInterval(() => provider.tick(Date.now()), 15_000);

host.post(provider.readyMessage());
