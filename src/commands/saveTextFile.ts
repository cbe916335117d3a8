/**
 * Writes an export where the person chooses, through VS Code's save dialog (the folder of the open
 * workspace by default). Nothing is written without that choice.
 */
import * as vscode from 'vscode';

/** The file written, or undefined when the dialog was cancelled. */
export async function saveTextFile(fileName: string, content: string, filters: Record<string, string[]>): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    title: `Export ${fileName}`,
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, fileName) } : {}),
    filters,
  });
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(content));
  vscode.window.setStatusBarMessage(`$(check) Exported ${target.path.slice(target.path.lastIndexOf('/') + 1)}`, 5000);
  return target;
}
