/**
 * The sidebar's controller (the Live Usage overview view): a whole snapshot of every connection with what each card's
 * sparkline draws (its figure's chart line over the descriptor's short window), and the cards'
 * buttons as commands. No `vscode` import: the registration lends it what it runs.
 */
import { descriptorFor, descriptorOfKind } from '../../providers/registry';
import { seriesOfChart } from '../../shared/chartGroups';
import type { SidebarHostMessage, SidebarPageMessage, SidebarSnapshot } from '../../shared/sidebarProtocol';
import type { ConnectionHistory } from '../../shared/protocol';
import { ChartDataSource, type HistoryReader } from '../chartDataSource';
import { isConnectionAction, runConnectionAction, type RunCommand } from '../connectionActions';
import { configsById, connectionHistory, type ViewSource } from '../connectionHistory';
import type { SurfaceController } from '../webviewChannel';

export interface SidebarDependencies {
  readonly source: ViewSource;
  readonly history: HistoryReader;
  readonly run: RunCommand;
  readonly now?: () => number;
  readonly log: { debug(message: string): void };
}

export class SidebarController implements SurfaceController<SidebarPageMessage, SidebarHostMessage> {
  private readonly data: ChartDataSource;

  constructor(private readonly dependencies: SidebarDependencies) {
    this.data = new ChartDataSource(dependencies.history);
  }

  async snapshot(): Promise<SidebarSnapshot> {
    const now = (this.dependencies.now ?? Date.now)();
    const { source } = this.dependencies;
    const connections = source.snapshots();
    const configs = configsById(source);
    const histories: ConnectionHistory[] = [];
    for (const snapshot of connections) {
      const config = configs.get(snapshot.id);
      const descriptor = config ? descriptorFor(config) : descriptorOfKind(snapshot.kind);
      const sparkline = descriptor.sparkline;
      const figure = snapshot.figures.find((entry) => entry.id === sparkline.figure) ?? snapshot.figures[0];
      if (!figure?.chart) continue;
      // Only what the sparkline's chart draws, when the descriptor names it: a card needs one line,
      // not the whole history. A generic exporter's chart is one of its own series: read them all.
      const series = seriesOfChart(descriptor, figure.chart.key);
      const window = {
        from: now - sparkline.windowMs,
        to: now,
        ...(sparkline.bucketMs ? { bucketMs: sparkline.bucketMs } : {}),
        ...(series ? { series } : {}),
      };
      histories.push(await connectionHistory(this.data, snapshot, config, window, now));
    }
    this.data.sweep();
    return { type: 'snapshot', now, connections, histories };
  }

  async receive(message: SidebarPageMessage): Promise<void> {
    if (isConnectionAction(message)) return runConnectionAction(message, this.dependencies.run);
    if (message.type === 'rendered') this.dependencies.log.debug(`sidebar: ${message.cards} card(s) drawn in ${Math.round(message.ms)} ms`);
  }

  shown(): void {
    this.dependencies.source.viewVisible();
  }

  dispose(): void {
    this.data.clear();
  }
}
