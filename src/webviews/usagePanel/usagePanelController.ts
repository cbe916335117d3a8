/**
 * The usage panel's controller: per connection its history over the panel's range, as a whole
 * snapshot; the range the page picks; a connection to scroll to; exports written where the person
 * chooses; the connection buttons as commands. No `vscode` import: the registration lends it the
 * editor services it uses, so tests drive it as the page would.
 *
 * The range: what the page restored from its state, else (a panel opened afresh) the shortest range
 * that holds all the history there is, and the snapshot says it was chosen that way.
 */
import { billingCycle } from '../../quota/evaluateQuotas';
import type { ExportFormat, PanelHostMessage, PanelPageMessage, PanelSnapshot } from '../../shared/panelProtocol';
import type { ConnectionHistory } from '../../shared/protocol';
import { bucketForSpan, DEFAULT_RANGE, fittingRange, RANGE_IDS, RANGE_SPANS, type RangeId } from '../../shared/ranges';
import { ChartDataSource, type HistoryReader } from '../chartDataSource';
import { isConnectionAction, runConnectionAction, type RunCommand } from '../connectionActions';
import { configsById, connectionHistory, type ViewSource } from '../connectionHistory';
import type { PageHandle } from '../webviewChannel';
import type { PanelController } from '../webviewHost';

export interface PanelHistoryReader extends HistoryReader {
  /** The connection's oldest stored reading (epoch ms), or undefined without history. */
  earliest(connectionId: string): Promise<number | undefined>;
}

export interface UsagePanelDependencies {
  readonly source: ViewSource;
  readonly history: PanelHistoryReader;
  readonly run: RunCommand;
  /** Asks where to save an export and writes it; resolves to the file name written, or undefined when cancelled. */
  readonly save: (fileName: string, format: ExportFormat, content: string) => Promise<string | undefined>;
  readonly log: { debug(message: string): void };
  readonly now?: () => number;
}

/** What the panel is opened for: a connection to scroll to. */
export interface UsagePanelArgs {
  readonly connectionId?: string;
  /** The range its page saved (a panel restored after a reload). */
  readonly range?: RangeId;
}

export class UsagePanelController implements PanelController<PanelPageMessage, PanelHostMessage, UsagePanelArgs> {
  private readonly data: ChartDataSource;
  private range: RangeId = DEFAULT_RANGE;
  private fitted = false;
  private pendingReveal: string | undefined;

  constructor(
    private readonly page: PageHandle<PanelHostMessage>,
    private readonly dependencies: UsagePanelDependencies,
    args: UsagePanelArgs | undefined,
  ) {
    this.data = new ChartDataSource(dependencies.history);
    this.pendingReveal = args?.connectionId;
    if (args?.range) this.range = args.range;
  }

  private now(): number {
    return (this.dependencies.now ?? Date.now)();
  }

  /** The panel was asked for again (revealed, not rebuilt): scroll to the connection. */
  reopened(args: UsagePanelArgs | undefined): void {
    if (args?.connectionId === undefined) return;
    this.page.send({ type: 'reveal', connectionId: args.connectionId });
  }

  async receive(message: PanelPageMessage): Promise<void> {
    if (isConnectionAction(message)) return runConnectionAction(message, this.dependencies.run);
    switch (message.type) {
      case 'ready':
        if (message.range) {
          this.range = message.range;
          this.fitted = false;
        } else {
          this.range = await this.fittingRange();
          this.fitted = true;
        }
        if (this.pendingReveal !== undefined) {
          // After the snapshot this ready asks for: the channel sends one-offs after it.
          this.page.send({ type: 'reveal', connectionId: this.pendingReveal });
          this.pendingReveal = undefined;
        }
        return;
      case 'setRange':
        this.range = message.range;
        this.fitted = false;
        this.page.update();
        return;
      case 'export': {
        const written = await this.dependencies.save(message.fileName, message.format, message.content);
        if (written) this.dependencies.log.debug(`Exported ${written}`);
        return;
      }
      case 'rendered':
        this.dependencies.log.debug(
          `usage panel: ${message.phase === 'first' ? 'first chart drawn' : 'redrawn'} ${Math.round(message.ms)} ms after the snapshot (${message.charts} chart(s))`,
        );
        return;
    }
  }

  shown(): void {
    this.dependencies.source.viewVisible();
  }

  /** The shortest range holding every connection's history. */
  private async fittingRange(): Promise<RangeId> {
    const now = this.now();
    let oldest: number | undefined;
    for (const snapshot of this.dependencies.source.snapshots()) {
      const earliest = await this.dependencies.history.earliest(snapshot.id).catch(() => undefined);
      if (earliest !== undefined) oldest = Math.min(oldest ?? earliest, earliest);
    }
    return fittingRange(oldest === undefined ? undefined : now - oldest);
  }

  async snapshot(): Promise<PanelSnapshot> {
    const now = this.now();
    const { source } = this.dependencies;
    const connections = source.snapshots();
    const configs = configsById(source);
    const cycles = [...configs.values()].filter((config) => config.kind === 'browserbase').map((config) => billingCycle(now, config.quota?.billingCycleDay));
    const ranges = RANGE_IDS.filter((id) => id !== 'cycle' || cycles.length > 0);
    const range = ranges.includes(this.range) ? this.range : DEFAULT_RANGE;
    // Read once: a range picked while history is read comes with the next snapshot, not half in this one.
    const fitted = this.fitted && range === this.range;
    const histories: ConnectionHistory[] = [];
    for (const snapshot of connections) {
      const config = configs.get(snapshot.id);
      let from = now - (range === 'cycle' ? 0 : RANGE_SPANS[range]);
      if (range === 'cycle') {
        // A Browserbase connection shows its own cycle; the others the earliest, so charts line up.
        from = config?.kind === 'browserbase' ? billingCycle(now, config.quota?.billingCycleDay).start : Math.min(...cycles.map((cycle) => cycle.start));
      }
      const bucketMs = bucketForSpan(now - from);
      histories.push(await connectionHistory(this.data, snapshot, config, { from, to: now, ...(bucketMs === undefined ? {} : { bucketMs }) }, now));
    }
    this.data.sweep();
    return { type: 'snapshot', now, range, ranges, fitted, connections, histories };
  }

  dispose(): void {
    this.data.clear();
  }
}
