/**
 * The sidebar's state provider: the latest snapshot from the host and the clock relative times are
 * written against. Components read `cards` and redraw when the store changes. No DOM.
 */
import type { SidebarSnapshot } from '../../src/shared/sidebarProtocol';
import { Store } from '../common/store';
import { cardModels, type CardModel } from './cards';

export interface SidebarState {
  readonly snapshot?: SidebarSnapshot;
  /** The clock "updated 12 s ago" is written against: the snapshot's, then the page's ticks. */
  readonly now: number;
  readonly cards: readonly CardModel[];
}

export class SidebarStateProvider {
  readonly store = new Store<SidebarState>({ now: 0, cards: [] });

  get state(): SidebarState {
    return this.store.state;
  }

  /** A whole snapshot from the host replaces the last one. */
  receive(snapshot: SidebarSnapshot): void {
    this.store.set({ snapshot, now: snapshot.now, cards: cardModels(snapshot, snapshot.now) });
  }

  /** Time passes between snapshots: relative times age. */
  tick(now: number): void {
    const snapshot = this.state.snapshot;
    if (!snapshot) return;
    this.store.set({ snapshot, now, cards: cardModels(snapshot, now) });
  }
}
