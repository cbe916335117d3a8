/**
 * The colours VS Code's built-in themes give the variables the charts read, as a webview sees them.
 * Read from the webviews of code-server 4.139 (VS Code 1.139) in each theme by the end-to-end run's
 * theme step (test/e2e/steps/charts.mjs saves them to artifacts/e2e/theme-colours.json).
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
      '--vscode-editorWidget-border': '#c8c8c8',
      '--vscode-charts-blue': '#1a85ff',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#388a34',
      '--vscode-charts-purple': '#652d90',
      '--vscode-charts-yellow': '#bf8803',
      '--vscode-charts-red': '#e51400',
      '--vscode-editorWarning-foreground': '#bf8803',
      '--vscode-editorError-foreground': '#e51400',
    },
  },
  {
    name: 'Dark Modern',
    kind: 'dark',
    colours: {
      '--vscode-editor-background': '#1f1f1f',
      '--vscode-sideBar-background': '#181818',
      '--vscode-foreground': '#cccccc',
      '--vscode-editorWidget-border': '#313131',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-charts-yellow': '#cca700',
      '--vscode-charts-red': '#f14c4c',
      '--vscode-editorWarning-foreground': '#cca700',
      '--vscode-editorError-foreground': '#f14c4c',
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
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-orange': '#ab5a00',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-charts-yellow': '#ffd370',
      '--vscode-charts-red': '#f48771',
      '--vscode-editorWarning-foreground': '#ffd370',
      '--vscode-editorError-foreground': '#f48771',
    },
  },
  {
    name: 'Light High Contrast',
    kind: 'highContrastLight',
    colours: {
      '--vscode-editor-background': '#ffffff',
      '--vscode-sideBar-background': '#ffffff',
      '--vscode-foreground': '#292929',
      '--vscode-editorWidget-border': '#0f4a85',
      '--vscode-contrastBorder': '#0f4a85',
      '--vscode-charts-blue': '#1a85ff',
      '--vscode-charts-orange': '#0f4a85',
      '--vscode-charts-green': '#374e06',
      '--vscode-charts-purple': '#652d90',
      '--vscode-charts-yellow': '#895503',
      '--vscode-charts-red': '#b5200d',
      '--vscode-editorWarning-foreground': '#895503',
      '--vscode-editorError-foreground': '#b5200d',
    },
  },
];
