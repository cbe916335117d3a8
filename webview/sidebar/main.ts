/** Entry of dist/webview/sidebar.js: the state provider, the page, and the host's messages between them. */
import type { SidebarHostMessage, SidebarPageMessage } from '../../src/shared/sidebarProtocol';
import { returnFocusAfterDialogs } from '../common/focusReturn';
import { followTextColours } from '../common/textColours';
import { connectToHost } from '../common/vscodeApi';
import { SidebarApp } from './sidebarApp';
import { SidebarStateProvider } from './state';

const host = connectToHost<SidebarHostMessage, SidebarPageMessage>();
const provider = new SidebarStateProvider();
const app = new SidebarApp(provider, (message) => host.post(message));
const root = document.getElementById('app') as HTMLElement;
followTextColours('--vscode-sideBar-background');
returnFocusAfterDialogs();

host.onMessage((message, receivedAt) => {
  if (message.type !== 'snapshot') return;
  provider.receive(message);
  if (!app.isConnected) {
    root.replaceChildren(app);
    root.removeAttribute('aria-busy');
  }
  void app.updateComplete.then(() =>
    requestAnimationFrame(() => host.post({ type: 'rendered', ms: performance.now() - receivedAt, cards: provider.state.cards.length })),
  );
});

// Relative times ("updated 12 s ago") age between snapshots.
setInterval(() => provider.tick(Date.now()), 15_000);

host.post({ type: 'ready' });
