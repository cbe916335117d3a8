/**
 * The colours VS Code's built-in themes give the variables the charts and the status text read, as a webview sees them:
 * read from the webviews of code-server 4.139 (VS Code 1.139) in each theme by the end-to-end run's
 * step usage-panel-fits-its-history-in-every-theme (it saves them to artifacts/e2e/theme-colours.json).
 * Variables a theme leaves unset are absent, as they are in the page.
 */
export interface ThemeTable {
  readonly name: string;
  readonly kind: 'light' | 'dark' | 'highContrast' | 'highContrastLight';
  readonly colours: Readonly<Record<string, string>>;
}

export const THEME_TABLES: readonly ThemeTable[] = [
  {
    name: 'Light Modern',
    kind: 'light',
    colours: {
      '--vscode-editor-background': '#ffffff',
      '--vscode-sideBar-background': '#f8f8f8',
      '--vscode-foreground': '#3b3b3b',
      '--vscode-editorWidget-border': 'rgba(59, 59, 59, 0.2)',
      '--vscode-charts-blue': '#0063d3',
      '--vscode-charts-orange': 'rgba(234, 92, 0, 0.33)',
      '--vscode-charts-green': '#388a34',
      '--vscode-charts-purple': '#652d90',
      '--vscode-charts-yellow': '#bf8803',
      '--vscode-charts-red': '#e51400',
      '--vscode-editorWarning-foreground': '#bf8803',
      '--vscode-editorError-foreground': '#e51400',
      '--vscode-testing-iconPassed': '#73c991',
      '--vscode-errorForeground': '#f85149',
    },
  },
  {
    name: 'Dark Modern',
    kind: 'dark',
    colours: {
      '--vscode-editor-background': '#1f1f1f',
      '--vscode-sideBar-background': '#181818',
      '--vscode-foreground': '#cccccc',
      '--vscode-editorWidget-border': 'rgba(204, 204, 204, 0.2)',
      '--vscode-charts-blue': '#59a4f9',
      '--vscode-charts-orange': 'rgba(234, 92, 0, 0.33)',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-charts-yellow': '#cca700',
      '--vscode-charts-red': '#f14c4c',
      '--vscode-editorWarning-foreground': '#cca700',
      '--vscode-editorError-foreground': '#f14c4c',
      '--vscode-testing-iconPassed': '#73c991',
      '--vscode-errorForeground': '#f85149',
    },
  },
  {
    name: 'Dark High Contrast',
    kind: 'highContrast',
    colours: {
      '--vscode-editor-background': '#000000',
      '--vscode-sideBar-background': '#000000',
      '--vscode-foreground': '#ffffff',
      '--vscode-editorWidget-border': '#6fc3df',
      '--vscode-contrastBorder': '#6fc3df',
      '--vscode-charts-blue': '#59a4f9',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-charts-yellow': '#ffd370',
      '--vscode-charts-red': '#f48771',
      '--vscode-editorWarning-foreground': '#ffd370',
      '--vscode-editorError-foreground': '#f48771',
      '--vscode-testing-iconPassed': '#73c991',
      '--vscode-errorForeground': '#f48771',
    },
  },
];
