/**
 * Says what is wrong with the connections setting: each problem in the log, and the first in a warning
 * with a way to settings.json, once per distinct set of problems (a reload with the same mistakes stays
 * quiet).
 */
import * as vscode from 'vscode';

export interface ProblemLog {
  warn(message: string): void;
}

export class SettingsProblems {
  private shown = '';

  constructor(private readonly log: ProblemLog) {}

  report(problems: readonly string[]): void {
    const text = problems.join('\n');
    if (text === this.shown) return;
    this.shown = text;
    for (const problem of problems) this.log.warn(`Settings: ${problem}`);
    if (problems.length === 0) return;
    const open = 'Open settings.json';
    void vscode.window
      .showWarningMessage(`Live Usage: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, open)
      .then((choice) => {
        if (choice === open) void vscode.commands.executeCommand('workbench.action.openSettingsJson');
      });
  }
}
