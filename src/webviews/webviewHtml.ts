/**
 * The one place that writes webview HTML shells and their Content Security Policy: nothing but our
 * own nonce-tagged scripts and our own stylesheets, no network, no inline handlers or styles.
 */
import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

export function createNonce(): string {
  return randomBytes(18).toString('base64');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

export function contentSecurityPolicy(webview: vscode.Webview, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export interface ShellStyle {
  readonly href: vscode.Uri;
  /** An element id, for stylesheets a component looks up (vscode-icon finds codicons by id). */
  readonly id?: string;
}

export interface ShellOptions {
  readonly webview: vscode.Webview;
  readonly title: string;
  readonly styles: readonly ShellStyle[];
  readonly scripts: readonly vscode.Uri[];
  /** Pre-rendered, already escaped body markup. */
  readonly body: string;
}

export function webviewShell(options: ShellOptions): string {
  const nonce = createNonce();
  const { webview } = options;
  const styles = options.styles
    .map((style) => `<link rel="stylesheet" href="${webview.asWebviewUri(style.href).toString()}"${style.id ? ` id="${escapeHtml(style.id)}"` : ''}>`)
    .join('\n');
  const scripts = options.scripts.map((uri) => `<script nonce="${nonce}" src="${webview.asWebviewUri(uri).toString()}"></script>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(webview, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(options.title)}</title>
${styles}
</head>
<body>
${options.body}
${scripts}
</body>
</html>`;
}
