/**
 * A Clock whose time only moves when a test says so. Timers fire in time order and promise callbacks
 * queued by them run before the next timer, so async code behaves as it would with real time.
 */
import type { Clock, TimerHandle } from '../../../src/polling/clock';

interface Timer {
  readonly at: number;
  readonly order: number;
  readonly callback: () => void;
}

/** File-system requests of this process still under way (libuv's thread pool answers them in real time). */
function fileSystemBusy(): boolean {
  return process.getActiveResourcesInfo().some((name) => name.startsWith('FSReq') || name === 'FileHandleCloseReq');
}

/**
 * Lets every queued promise callback run, and waits for the file-system requests they start: on a
 * busy machine a write can take longer than any fixed number of event-loop turns, so "settled" means
 * `quietRounds` turns in a row with no request in flight. Gives up after a minute of real time
 * (something keeps the disk busy forever); the test's own assertions then say what did not happen.
 */
export async function settle(quietRounds = 3): Promise<void> {
  const giveUpAt = Date.now() + 60_000;
  for (let quiet = 0; quiet < quietRounds;) {
    await new Promise((resolve) => setImmediate(resolve));
    if (!fileSystemBusy()) {
      quiet++;
      continue;
    }
    quiet = 0;
    if (Date.now() > giveUpAt) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

export class FakeClock implements Clock {
  private time: number;
  private readonly timers = new Map<number, Timer>();
  private nextId = 1;

  constructor(start = 1_700_000_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), order: id, callback });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }

  /** Timers not yet fired or cleared. */
  get pending(): number {
    return this.timers.size;
  }

  /** When the earliest pending timer fires, if any. */
  get nextAt(): number | undefined {
    let next: number | undefined;
    for (const timer of this.timers.values()) if (next === undefined || timer.at < next) next = timer.at;
    return next;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.time + ms);
  }

  async advanceTo(target: number): Promise<void> {
    await settle();
    for (;;) {
      let next: [number, Timer] | undefined;
      for (const entry of this.timers) {
        const [, timer] = entry;
        if (timer.at > target) continue;
        if (!next || timer.at < next[1].at || (timer.at === next[1].at && timer.order < next[1].order)) next = entry;
      }
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = Math.max(this.time, next[1].at);
      next[1].callback();
      await settle();
    }
    this.time = Math.max(this.time, target);
    await settle();
  }
}
