// Sidebar webview entry. The overview cards arrive with the charts issue; for now it renders a status line.
const root = document.getElementById('root');
if (root) root.textContent = 'Live Usage';
export {};
