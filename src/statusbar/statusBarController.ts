/**
 * The one status bar item. It renders whatever the connection service reports, re-rendering every
 * 15 s so "updated 12 s ago" stays true, and opens the usage panel on click.
 */
import * as vscode from 'vscode';
import type { ConnectionSnapshot } from '../shared/snapshot';
import { formatStatusBar, STATUS_BAR_COMMANDS } from './formatStatusBar';
import { RUNAWAY_TOOLTIP_COMMANDS } from './runawayTooltip';

export class StatusBarController implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private snapshots: readonly ConnectionSnapshot[] = [];
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(private readonly maxInText: () => number) {
    this.item = vscode.window.createStatusBarItem('liveUsage.status', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Live Usage';
    this.item.command = { title: 'Open Usage Panel', command: STATUS_BAR_COMMANDS.openPanel };
    this.render();
    this.item.show();
    this.timer = setInterval(() => this.render(), 15_000);
  }

  update(snapshots: readonly ConnectionSnapshot[]): void {
    this.snapshots = snapshots;
    this.render();
  }

  private render(): void {
    const view = formatStatusBar(this.snapshots, { now: Date.now(), maxInText: this.maxInText(), locale: vscode.env.language });
    this.item.text = view.text;
    const tooltip = new vscode.MarkdownString(view.tooltipMarkdown, true);
    // Only our own commands may run from the tooltip's links.
    tooltip.isTrusted = { enabledCommands: [...Object.values(STATUS_BAR_COMMANDS), ...RUNAWAY_TOOLTIP_COMMANDS] };
    tooltip.supportThemeIcons = true;
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = { label: view.accessibilityLabel, role: 'button' };
    this.item.backgroundColor =
      view.background === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : view.background === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
  }

  dispose(): void {
    clearInterval(this.timer);
    this.item.dispose();
  }
}
