/**
 * The usage panel's state provider: the snapshot from the host, the UI choices kept in the webview
 * state (range, open tables, hidden series, zoom windows, open "More charts"; never domain data), and
 * the range picker's promise. Components draw from `store` and change it only through these methods.
 * No DOM, so the rules below are tested in Node.
 *
 * The range race: the person picks a range, and a snapshot the host built before it heard of it
 * arrives. That snapshot is drawn, but the picker keeps the range just picked and the page stays busy
 * until a snapshot for it arrives.
 */
import type { PanelPageMessage, PanelSnapshot } from '../../src/shared/panelProtocol';
import { isRangeId, type RangeId } from '../../src/shared/ranges';
import { connectionState } from '../../src/shared/connectionState';
import { Store } from '../common/store';
import { sectionModels, type SectionModel } from './sections';

/** What the page keeps across reloads. */
export interface PanelChoices {
  /** The range the person picked; absent: the host fits the range to the history. */
  readonly range?: RangeId;
  readonly tables: readonly string[];
  readonly hidden: Readonly<Record<string, readonly string[]>>;
  readonly zoom: Readonly<Record<string, readonly [number, number]>>;
  readonly more: readonly string[];
}

export interface PanelState {
  readonly choices: PanelChoices;
  readonly snapshot?: PanelSnapshot;
  /** A range picked and sent to the host, until a snapshot for it arrives. */
  readonly requestedRange?: RangeId;
  /** What the range picker shows. */
  readonly shownRange?: RangeId;
  /** Waiting for the snapshot of a range just picked. */
  readonly busy: boolean;
  readonly sections: readonly SectionModel[];
  /** The clock relative times are written against. */
  readonly now: number;
}

const EMPTY_CHOICES: PanelChoices = { tables: [], hidden: {}, zoom: {}, more: [] };

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
}

/** The choices a page saved, each field checked: an older page's state must not break a newer one. */
export function readChoices(saved: unknown): PanelChoices {
  if (typeof saved !== 'object' || saved === null) return EMPTY_CHOICES;
  const state = saved as Record<string, unknown>;
  const record = (value: unknown) => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
  const hidden = Object.fromEntries(Object.entries(record(state.hidden)).map(([key, list]) => [key, stringList(list)]));
  const zoom = Object.fromEntries(
    Object.entries(record(state.zoom)).filter(
      (entry): entry is [string, [number, number]] => Array.isArray(entry[1]) && entry[1].length === 2 && entry[1].every((n) => typeof n === 'number'),
    ),
  );
  return {
    ...(isRangeId(state.range) ? { range: state.range } : {}),
    tables: stringList(state.tables),
    hidden,
    zoom,
    more: stringList(state.more),
  };
}

function toggled(list: readonly string[], value: string, on: boolean): string[] {
  const rest = list.filter((entry) => entry !== value);
  return on ? [...rest, value] : rest;
}

export class PanelStateProvider {
  readonly store: Store<PanelState>;

  constructor(
    saved: unknown,
    private readonly persist: (choices: PanelChoices) => void,
  ) {
    this.store = new Store<PanelState>({ choices: readChoices(saved), busy: false, sections: [], now: 0 });
  }

  get state(): PanelState {
    return this.store.state;
  }

  /** What the page says first: the range it restored, if the person had picked one. */
  readyMessage(): PanelPageMessage {
    const range = this.state.choices.range;
    return range ? { type: 'ready', range } : { type: 'ready' };
  }

  private setChoices(choices: PanelChoices): void {
    this.store.set({ ...this.state, choices });
    this.persist(choices);
  }

  /** A whole snapshot from the host. */
  receive(snapshot: PanelSnapshot): void {
    const { requestedRange, choices } = this.state;
    // Built before the host heard of the range just picked: drawn, but the picker keeps the new range.
    const outdated = requestedRange !== undefined && snapshot.range !== requestedRange && snapshot.ranges.includes(requestedRange);
    // A range the host fitted to the history is not the person's choice: a reload fits it again.
    const range = outdated ? requestedRange : snapshot.fitted ? undefined : snapshot.range;
    // Forget UI choices of charts and connections that no longer exist, so the state stays small.
    const alive = new Set(snapshot.connections.map((connection) => connection.id));
    const chartAlive = (chartId: string) => alive.has(chartId.slice(0, chartId.indexOf('/')));
    const next: PanelChoices = {
      ...(range === undefined ? {} : { range }),
      tables: choices.tables.filter(chartAlive),
      hidden: Object.fromEntries(Object.entries(choices.hidden).filter(([key]) => chartAlive(key))),
      zoom: Object.fromEntries(Object.entries(choices.zoom).filter(([key]) => chartAlive(key))),
      more: choices.more.filter((id) => alive.has(id)),
    };
    this.store.set({
      choices: next,
      snapshot,
      ...(outdated ? { requestedRange } : {}),
      shownRange: outdated ? requestedRange : snapshot.range,
      busy: outdated,
      sections: sectionModels(snapshot, snapshot.now),
      now: snapshot.now,
    });
    this.persist(next);
  }

  /** The person picks a range: the message to send, or undefined when nothing changes. */
  pickRange(range: RangeId): PanelPageMessage | undefined {
    if (range === this.state.shownRange) return undefined;
    this.store.set({ ...this.state, requestedRange: range, shownRange: range, busy: true, choices: { ...this.state.choices, range } });
    this.persist(this.state.choices);
    return { type: 'setRange', range };
  }

  setTableOpen(chartId: string, open: boolean): void {
    this.setChoices({ ...this.state.choices, tables: toggled(this.state.choices.tables, chartId, open) });
  }

  /** Hides or shows a series; never the last one shown (an empty chart reads as "no data"). Returns the hidden set. */
  toggleSeries(chartId: string, seriesKey: string, seriesCount: number): ReadonlySet<string> {
    const hidden = new Set(this.state.choices.hidden[chartId] ?? []);
    if (hidden.has(seriesKey)) hidden.delete(seriesKey);
    else hidden.add(seriesKey);
    if (hidden.size >= seriesCount) return new Set(this.state.choices.hidden[chartId] ?? []);
    const all = { ...this.state.choices.hidden };
    if (hidden.size === 0) delete all[chartId];
    else all[chartId] = [...hidden];
    this.setChoices({ ...this.state.choices, hidden: all });
    return hidden;
  }

  setZoom(chartId: string, zoom: readonly [number, number] | undefined): void {
    const all = { ...this.state.choices.zoom };
    if (zoom) all[chartId] = [zoom[0], zoom[1]];
    else delete all[chartId];
    this.setChoices({ ...this.state.choices, zoom: all });
  }

  setMoreOpen(connectionId: string, open: boolean): void {
    this.setChoices({ ...this.state.choices, more: toggled(this.state.choices.more, connectionId, open) });
  }

  /** Time passes between snapshots: relative times age. */
  tick(now: number): void {
    const snapshot = this.state.snapshot;
    if (!snapshot) return;
    this.store.set({ ...this.state, now, sections: this.state.sections.map((section) => ({ ...section, state: connectionState(section.connection, now) })) });
  }
}
