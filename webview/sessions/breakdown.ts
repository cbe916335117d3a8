/**
 * Usage of the result set by the values of one metadata key (minutes per `client`): a bar chart of
 * the largest values, its axis naming the measure and its unit, and a table of all of them. Regrouped
 * on the page from the rows it has, so changing the key or the measure costs no request; the key the
 * query fixes is marked, since breaking down by it gives one bar. Over "this billing cycle" it shows
 * the cycle's cost per tag instead (cycleTable.ts), read from the host when first chosen.
 */
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { CostPerTag } from '../../src/shared/costPerTag';
import { formatBytes, formatNumber } from '../../src/shared/format';
import { parseKeyPath } from '../../src/shared/metadataQuery';
import { usageByTag, type TagBucket } from '../../src/shared/usageByTag';
import { define, LightElement } from '../common/lightElement';
import { withAlpha, type Palette } from '../common/palette';
import { measureSpec, MEASURES, type Measure } from './breakdownModel';
import { cycleReport, type Scope } from './cycleCost';
import { cycleStatus, cycleTable } from './cycleTable';
import type { SessionsPageMessage } from '../../src/shared/sessionsProtocol';
import type { ResultSet, SessionsState, SessionsStateProvider } from './state';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

/** Bars beyond this many would be unreadable; the table lists every value. */
const MAX_BARS = 15;

// Selects and text fields are named by their `label` property (see conditionRows.ts for why).
const valueOf = (event: Event) => (event.target as HTMLElement & { value: string }).value;

export class Breakdown extends LightElement {
  static override properties = { state: { attribute: false }, palette: { attribute: false } };
  declare state: SessionsState;
  declare palette: Palette;
  provider!: SessionsStateProvider;
  send: (messages: readonly SessionsPageMessage[]) => void = () => undefined;
  private chart: Chart<'bar', number[], string> | undefined;
  /** The results drawn: usage by tag follows the table in the task after it. */
  private drawnResults: ResultSet | undefined;
  private pending = false;

  /** Over the cycle, its cost by the chosen key. */
  private report(): CostPerTag | undefined {
    return this.state.choices.scope === 'cycle' ? cycleReport(this.state.cycle, this.provider.breakdown().key) : undefined;
  }

  /** The cycle counts billed minutes only; the matching sessions any measure. */
  private measure(): Measure {
    return this.state.choices.scope === 'cycle' ? 'minutes' : this.state.choices.measure;
  }

  private buckets(): TagBucket[] {
    const { results, choices } = this.state;
    if (choices.scope === 'cycle') return [...(this.report()?.buckets ?? [])];
    const breakdown = this.provider.breakdown();
    const path = breakdown.key === undefined ? undefined : parseKeyPath(breakdown.key);
    if (!results || !path || !('path' in path)) return [];
    return usageByTag(results.rows, path.path, results.now, choices.measure).buckets;
  }

  protected override render(): TemplateResult {
    const { choices, results } = this.state;
    const cycle = choices.scope === 'cycle';
    // The table is painted first; regrouping every session and drawing a chart follows in the next task.
    const ready = cycle ? this.state.cycle?.sessions !== undefined : results !== undefined && results === this.drawnResults;
    const breakdown = ready ? this.provider.breakdown() : { key: undefined, choices: [] };
    const buckets = ready ? this.buckets() : [];
    const measure = measureSpec(this.measure());
    const report = ready ? this.report() : undefined;
    return html`<div class="breakdown">
      <div class="form-line">
        <label for="breakdown-scope">Over</label>
        <vscode-single-select
          id="breakdown-scope"
          label="Over: which sessions usage by tag counts"
          .value=${choices.scope}
          @change=${(event: Event) => this.send(this.provider.setScope(valueOf(event) as Scope))}
        >
          <vscode-option value="results" ?selected=${!cycle}>Matching sessions</vscode-option>
          <vscode-option value="cycle" ?selected=${cycle}>This billing cycle</vscode-option>
        </vscode-single-select>
        <label for="breakdown-key">By key</label>
        <vscode-single-select
          id="breakdown-key"
          label="By key: the metadata key usage is grouped by"
          .value=${breakdown.key ?? ''}
          @change=${(event: Event) => this.provider.setBreakdownKey(valueOf(event))}
        >
          ${breakdown.choices.map(
            (choice) =>
              html`<vscode-option
                value=${choice.text}
                description="${choice.sessions} session${choice.sessions === 1 ? '' : 's'}${choice.fixed ? ', fixed by the query' : ''}"
                ?selected=${choice.text === breakdown.key}
                >${choice.text}</vscode-option
              >`,
          )}
        </vscode-single-select>
        ${
          cycle
            ? nothing
            : html`<label for="breakdown-measure">Measure</label>
                <vscode-single-select
                  id="breakdown-measure"
                  label="Measure of usage by tag"
                  .value=${choices.measure}
                  @change=${(event: Event) => this.provider.setMeasure(valueOf(event) as Measure)}
                >
                  ${MEASURES.map((entry) => html`<vscode-option value=${entry.id} ?selected=${entry.id === choices.measure}>${entry.label}</vscode-option>`)}
                </vscode-single-select>`
        }
      </div>
      ${cycle ? cycleStatus(this.state.cycle, report) : nothing}
      ${
        cycle && !ready
          ? nothing
          : breakdown.key === undefined
            ? html`<p class="empty">No metadata keys with string values in these sessions.</p>`
            : html`<p class="meta breakdown-note" ?hidden=${!breakdown.choices.find((choice) => choice.text === breakdown.key)?.fixed}>
                  The query fixes ${breakdown.key} to one value: every session falls in one bar.
                </p>
                <div class="breakdown-chart bars-${buckets.length <= 3 ? 'few' : buckets.length <= 8 ? 'some' : 'many'}" data-axis=${measure.axis}>
                  <canvas
                    role="img"
                    aria-label="${measure.label} by ${breakdown.key}: ${buckets
                      .slice(0, MAX_BARS)
                      .map((bucket) => `${bucket.label} ${measure.format(bucket[measure.id])}`)
                      .join(', ')}"
                  ></canvas>
                </div>
                ${
                  report
                    ? cycleTable(report, () => this.send(this.provider.exportCycleMessages(report)))
                    : html`<table class="breakdown-table">
                        <caption>
                          Usage by ${breakdown.key}
                        </caption>
                        <thead>
                          <tr>
                            ${['Value', 'Sessions', 'Browser minutes', 'Proxy data', 'Running'].map(
                              (text, index) => html`<th scope="col" class=${index > 0 ? 'numeric' : nothing}>${text}</th>`,
                            )}
                          </tr>
                        </thead>
                        <tbody>
                          ${buckets.map(
                            (bucket) =>
                              html`<tr data-value=${bucket.value ?? ''}>
                                <th scope="row" class=${bucket.value === null ? 'no-value' : nothing}>${bucket.label}</th>
                                <td class="numeric" data-sessions=${bucket.sessions}>${formatNumber(bucket.sessions)}</td>
                                <td class="numeric" data-minutes=${bucket.minutes}>
                                  ${formatNumber(bucket.minutes)} min${bucket.unknownDurations ? ` (+${bucket.unknownDurations} unknown)` : ''}
                                </td>
                                <td class="numeric" data-proxy-bytes=${bucket.proxyBytes}>${formatBytes(bucket.proxyBytes)}</td>
                                <td class="numeric">${formatNumber(bucket.running)}</td>
                              </tr>`,
                          )}
                        </tbody>
                      </table>`
                }`
      }
    </div>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const results = this.state.results;
    if (this.state.choices.scope !== 'cycle' && results !== this.drawnResults) {
      if (this.pending) return;
      this.pending = true;
      requestAnimationFrame(() =>
        setTimeout(() => {
          this.pending = false;
          this.drawnResults = this.state.results;
          this.requestUpdate();
        }),
      );
      return;
    }
    if (changed.has('palette') && changed.get('palette') !== undefined) {
      this.chart?.destroy();
      this.chart = undefined;
    }
    this.drawChart(this.buckets().slice(0, MAX_BARS));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.chart?.destroy();
    this.chart = undefined;
  }

  private drawChart(buckets: readonly TagBucket[]): void {
    const canvas = this.querySelector<HTMLCanvasElement>('.breakdown-chart canvas');
    if (!canvas) {
      this.chart?.destroy();
      this.chart = undefined;
      return;
    }
    if (this.chart && this.chart.canvas !== canvas) {
      this.chart.destroy();
      this.chart = undefined;
    }
    const palette = this.palette;
    const measure: Measure = this.measure();
    const spec = measureSpec(measure);
    const labels = buckets.map((bucket) => bucket.label);
    const values = buckets.map((bucket) => bucket[measure]);
    const colour = palette.series[0] ?? palette.foreground;
    const font = { family: palette.fontFamily, size: Math.max(10, palette.fontSize - 1) };
    const scales = {
      x: {
        beginAtZero: true,
        grid: { color: palette.grid },
        border: { color: palette.grid },
        ticks: { color: palette.muted, font, precision: 0, callback: (value: string | number) => spec.format(Number(value)) },
        title: { display: true, text: spec.axis, color: palette.muted, font },
      },
      y: { grid: { display: false }, border: { color: palette.grid }, ticks: { color: palette.foreground, font } },
    };
    if (this.chart) {
      this.chart.data.labels = labels;
      const dataset = this.chart.data.datasets[0];
      if (dataset) dataset.data = values;
      this.chart.options.scales = scales;
      this.chart.update('none');
      return;
    }
    this.chart = new Chart(canvas, {
      type: 'bar',
      data: {
        labels,
        datasets: [
          {
            data: values,
            maxBarThickness: 26,
            backgroundColor: withAlpha(colour, palette.highContrast ? 1 : 0.6),
            borderColor: colour,
            borderWidth: palette.highContrast ? 2 : 1,
          },
        ],
      },
      options: {
        indexAxis: 'y',
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        color: palette.foreground,
        font,
        scales,
        plugins: { tooltip: { callbacks: { label: (item) => measureSpec(this.measure()).format(Number(item.raw)) } } },
      },
    });
  }
}

define('lu-breakdown', Breakdown);
