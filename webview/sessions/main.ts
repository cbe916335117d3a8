/** Entry of dist/webview/sessions.js: the state provider, the page, and the host's messages between them. */
import type { SessionsHostMessage, SessionsPageMessage } from '../../src/shared/sessionsProtocol';
import { returnFocusAfterDialogs } from '../common/focusReturn';
import { followTextColours } from '../common/textColours';
import { connectToHost } from '../common/vscodeApi';
import { SessionsApp } from './sessionsApp';
import { SessionsStateProvider } from './state';

const host = connectToHost<SessionsHostMessage, SessionsPageMessage>();
const provider = new SessionsStateProvider(host.loadState(), (choices) => host.saveState(choices));
const app = new SessionsApp(
  provider,
  (message) => host.post(message),
  (rows, ms) => host.post({ type: 'rendered', rows, ms }),
);
const root = document.getElementById('app') as HTMLElement;
followTextColours('--vscode-editor-background');
returnFocusAfterDialogs();

host.onMessage((message) => {
  const replies = provider.receive(message);
  if (message.type === 'init' && !app.isConnected) {
    root.replaceChildren(app);
    root.removeAttribute('aria-busy');
  }
  app.send(replies);
});

host.post({ type: 'ready' });
