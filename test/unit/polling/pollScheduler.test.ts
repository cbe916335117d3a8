import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ProviderError } from '../../../src/http/errors';
import type { RateLimitInfo } from '../../../src/http/errors';
import { PollScheduler, type ConnectionPollState, type Feed, type PollHandoff, type SchedulerDeps } from '../../../src/polling/pollScheduler';
import type { Reading } from '../../../src/providers/types';
import { FakeClock, settle } from './fakeClock';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

interface Run {
  readonly key: string;
  readonly connectionId: string;
  readonly start: number;
  end?: number;
  readonly signal: AbortSignal;
}

/** Records every run, and how many runs overlapped per connection and overall. */
class Recorder {
  readonly runs: Run[] = [];
  private readonly active = new Map<string, number>();
  private activeTotal = 0;
  maxPerConnection = 0;
  maxTotal = 0;

  constructor(private readonly clock: FakeClock) {}

  begin(feed: Feed, signal: AbortSignal): Run {
    const run: Run = { key: feed.key, connectionId: feed.connectionId, start: this.clock.now(), signal };
    this.runs.push(run);
    const count = (this.active.get(feed.connectionId) ?? 0) + 1;
    this.active.set(feed.connectionId, count);
    this.activeTotal++;
    this.maxPerConnection = Math.max(this.maxPerConnection, count);
    this.maxTotal = Math.max(this.maxTotal, this.activeTotal);
    return run;
  }

  end(run: Run): void {
    run.end = this.clock.now();
    this.active.set(run.connectionId, (this.active.get(run.connectionId) ?? 1) - 1);
    this.activeTotal--;
  }

  startsOf(key: string): number[] {
    return this.runs.filter((run) => run.key === key).map((run) => run.start);
  }
}

interface Outcome {
  readonly rateLimit?: RateLimitInfo;
  readonly error?: unknown;
}

/**
 * A feed whose request takes `durationMs` of fake time, honours its AbortSignal like the HTTP layer,
 * and ends with `outcome(n)` for its n-th run (default: success).
 */
function timedFeed(
  clock: FakeClock,
  recorder: Recorder,
  key: string,
  connectionId: string,
  intervalMs: number,
  options: { durationMs?: number; outcome?: (index: number) => Outcome; configKey?: string } = {},
): Feed {
  let index = 0;
  return {
    key,
    connectionId,
    intervalMs,
    configKey: options.configKey,
    run(signal) {
      const run = recorder.begin(this, signal);
      const outcome = options.outcome?.(index++) ?? {};
      return new Promise<Reading>((resolve, reject) => {
        const finish = (): void => {
          recorder.end(run);
          if (outcome.error !== undefined) reject(outcome.error);
          else resolve({ fetchedAt: clock.now(), samples: [], rateLimit: outcome.rateLimit });
        };
        const timer = clock.setTimeout(finish, options.durationMs ?? 0);
        signal.addEventListener('abort', () => {
          clock.clearTimeout(timer);
          recorder.end(run);
          reject(new ProviderError('cancelled', 'aborted'));
        });
      });
    },
  };
}

/** A feed whose runs end only when the test says so. */
function manualFeed(key: string, connectionId: string, intervalMs: number) {
  const calls: { signal: AbortSignal; resolve: (reading: Reading) => void; reject: (error: unknown) => void }[] = [];
  const feed: Feed = {
    key,
    connectionId,
    intervalMs,
    run: (signal) => new Promise<Reading>((resolve, reject) => calls.push({ signal, resolve, reject })),
  };
  return { feed, calls };
}

function setup(overrides: Partial<SchedulerDeps> = {}) {
  const clock = new FakeClock();
  const recorder = new Recorder(clock);
  const readings: { key: string; at: number }[] = [];
  const errors: { key: string; error: unknown; at: number }[] = [];
  const states = new Map<string, ConnectionPollState>();
  const scheduler = new PollScheduler({
    clock,
    random: () => 0.5,
    onReading: (feed) => readings.push({ key: feed.key, at: clock.now() }),
    onError: (feed, error) => errors.push({ key: feed.key, error, at: clock.now() }),
    onState: (id, state) => states.set(id, state),
    ...overrides,
  });
  const start = clock.now();
  return { clock, recorder, readings, errors, states, scheduler, start };
}

const reading = (): Reading => ({ fetchedAt: 0, samples: [] });

describe('PollScheduler: one request in flight per connection', () => {
  test('feeds of one connection never overlap; different connections run in parallel', async () => {
    const { clock, recorder, scheduler } = setup();
    const feeds: Feed[] = [];
    for (const connection of ['a', 'b', 'c']) {
      for (const name of ['pressure', 'metrics', 'total']) {
        feeds.push(timedFeed(clock, recorder, `${connection}:${name}`, connection, name === 'pressure' ? 15 * SECOND : 5 * MINUTE, { durationMs: 700 }));
      }
    }
    scheduler.setFeeds(feeds);
    await clock.advance(20 * MINUTE);
    assert.equal(recorder.maxPerConnection, 1, 'two feeds of one connection overlapped');
    assert.equal(recorder.maxTotal, 3, 'connections did not run in parallel');
    // All three feeds of a connection got their turn right away, one after the other.
    assert.deepEqual(
      ['a:pressure', 'a:metrics', 'a:total'].map((key) => recorder.startsOf(key)[0]! - recorder.runs[0]!.start),
      [0, 700, 1400],
    );
    // The fast feed keeps its pace despite sharing the slot with slower ones.
    const pressure = recorder.startsOf('a:pressure');
    assert.ok(pressure.length >= 75, `pressure ran ${pressure.length} times in 20 min`);
    scheduler.dispose();
  });

  test('the most overdue feed goes first', async () => {
    const { clock, recorder, scheduler } = setup();
    const slow = manualFeed('a:slow', 'a', MINUTE);
    scheduler.setFeeds([slow.feed, timedFeed(clock, recorder, 'a:fast', 'a', 10 * SECOND)]);
    await settle();
    assert.equal(slow.calls.length, 1);
    // The fast feed is due too but waits for the slot; it must not be starved or doubled.
    await clock.advance(30 * SECOND);
    assert.equal(recorder.runs.length, 0);
    slow.calls[0]!.resolve(reading());
    await settle();
    assert.equal(recorder.runs.length, 1);
    scheduler.dispose();
  });
});

describe('PollScheduler: failures', () => {
  test('transient failures back off exponentially up to the cap, and success resets it', async () => {
    const { clock, recorder, scheduler, errors, states } = setup();
    let failing = true;
    scheduler.setFeeds([
      timedFeed(clock, recorder, 'a:pressure', 'a', 15 * SECOND, {
        outcome: () => (failing ? { error: new ProviderError('server', 'boom', { status: 503 }) } : {}),
      }),
    ]);
    await clock.advance(60 * MINUTE);
    const starts = recorder.startsOf('a:pressure');
    const gaps = starts.slice(1).map((at, index) => at - starts[index]!);
    assert.deepEqual(
      gaps.slice(0, 7),
      [30, 60, 120, 240, 480, 900, 900].map((s) => s * SECOND),
    );
    assert.ok(errors.length === starts.length && errors.every((entry) => entry.error instanceof ProviderError));
    assert.equal(states.get('a')?.backoffLevel, starts.length);

    failing = false;
    const before = starts.length;
    await clock.advance(15 * MINUTE);
    const after = recorder.startsOf('a:pressure').slice(before - 1);
    assert.equal(after[2]! - after[1]!, 15 * SECOND, 'back to the normal interval after a success');
    assert.equal(states.get('a')?.backoffLevel, 0);
    scheduler.dispose();
  });

  test('Retry-After is honoured exactly, for every feed of the connection and for manual refresh', async () => {
    const { clock, recorder, scheduler, start } = setup();
    scheduler.setFeeds([
      timedFeed(clock, recorder, 'n:metrics', 'n', 15 * SECOND, {
        outcome: (index) => (index === 0 ? { error: new ProviderError('rateLimited', '429', { status: 429, retryAfterMs: 120_000 }) } : {}),
      }),
      timedFeed(clock, recorder, 'n:billing', 'n', 10 * SECOND),
      timedFeed(clock, recorder, 'other:live', 'other', 10 * SECOND),
    ]);
    await clock.advance(SECOND);
    // billing was queued behind metrics, but the 429 came first: it waits for Retry-After as well.
    const runsOfN = () => recorder.runs.filter((run) => run.connectionId === 'n').map((run) => run.start - start);
    assert.deepEqual(runsOfN(), [0]);
    const refreshed = scheduler.refresh('n');
    await clock.advanceTo(start + 120 * SECOND - 1);
    assert.deepEqual(runsOfN(), [0], 'polled n before Retry-After');
    assert.ok(recorder.startsOf('other:live').length >= 11, 'other connections are not held back');
    await clock.advanceTo(start + 120 * SECOND);
    assert.deepEqual(runsOfN(), [0, 120 * SECOND, 120 * SECOND]);
    await refreshed;
    scheduler.dispose();
  });

  test('the state says when a failing feed is really tried again: its backoff, or Retry-After when later', async () => {
    const { clock, recorder, scheduler, states, start } = setup();
    let retryAfterMs = 5 * SECOND;
    scheduler.setFeeds([
      timedFeed(clock, recorder, 'r:pressure', 'r', 15 * SECOND, {
        outcome: () => ({ error: new ProviderError('rateLimited', '429', { status: 429, retryAfterMs }) }),
      }),
    ]);
    await clock.advance(SECOND);
    // Retry-After 5 s, but the first backoff step is 30 s: the next try is at 30 s, not 5 s.
    assert.equal(states.get('r')?.retryAt['r:pressure'], start + 30 * SECOND);
    assert.equal(recorder.startsOf('r:pressure')[1], undefined);
    await clock.advanceTo(start + 30 * SECOND);
    assert.equal(recorder.startsOf('r:pressure')[1], start + 30 * SECOND);
    // Retry-After 10 min beats the 60 s backoff step.
    retryAfterMs = 600 * SECOND;
    await clock.advanceTo(start + 90 * SECOND);
    const second = recorder.startsOf('r:pressure')[2];
    assert.ok(second !== undefined);
    assert.equal(states.get('r')?.retryAt['r:pressure'], second + 600 * SECOND);
    scheduler.dispose();
  });

  test('an auth error stops the connection until invalidate; no timer is kept for it', async () => {
    const { clock, recorder, scheduler, states, errors } = setup();
    let token = 'bad';
    scheduler.setFeeds([
      timedFeed(clock, recorder, 'a:pressure', 'a', 15 * SECOND, {
        outcome: () => (token === 'bad' ? { error: new ProviderError('auth', '401', { status: 401 }) } : {}),
      }),
      timedFeed(clock, recorder, 'a:metrics', 'a', 5 * MINUTE),
    ]);
    await clock.advance(2 * 60 * MINUTE);
    assert.equal(recorder.runs.length, 1, 'kept polling with a rejected token');
    assert.equal(errors.length, 1);
    assert.equal(states.get('a')?.pausedForAuth, true);
    assert.equal(clock.pending, 0);

    token = 'good';
    scheduler.invalidate('a');
    await clock.advance(SECOND);
    assert.deepEqual(
      recorder.runs.slice(1).map((run) => run.key),
      ['a:pressure', 'a:metrics'],
    );
    assert.equal(states.get('a')?.pausedForAuth, false);
    scheduler.dispose();
  });

  test('a manual refresh retries an auth-paused connection once; a view refresh does not', async () => {
    const { clock, recorder, scheduler } = setup();
    scheduler.setFeeds([
      timedFeed(clock, recorder, 'a:live', 'a', 15 * SECOND, { outcome: () => ({ error: new ProviderError('auth', '403', { status: 403 }) }) }),
    ]);
    await clock.advance(MINUTE);
    await scheduler.refresh('a', 'viewVisible');
    assert.equal(recorder.runs.length, 1);
    const refreshed = scheduler.refresh('a', 'manual');
    await clock.advance(30 * MINUTE);
    await refreshed;
    assert.equal(recorder.runs.length, 2);
    scheduler.dispose();
  });

  test('a changed configKey lifts an auth pause and repolls at once', async () => {
    const { clock, recorder, scheduler } = setup();
    const bad = timedFeed(clock, recorder, 'a:live', 'a', 15 * SECOND, { configKey: 'token-v1', outcome: () => ({ error: new ProviderError('auth', '401') }) });
    scheduler.setFeeds([bad]);
    await clock.advance(MINUTE);
    scheduler.setFeeds([timedFeed(clock, recorder, 'a:live', 'a', 15 * SECOND, { configKey: 'token-v2' })]);
    await settle();
    assert.equal(recorder.runs.length, 2);
    scheduler.dispose();
  });
});

describe('PollScheduler: rate-limit budget', () => {
  test('a low remaining budget stretches the interval until the reset', async () => {
    const { clock, recorder, scheduler, start } = setup();
    scheduler.setFeeds([
      timedFeed(clock, recorder, 'nf:metrics', 'nf', MINUTE, {
        outcome: (index) => (index === 0 ? { rateLimit: { limit: 1000, remaining: 10, resetAt: start + 30 * MINUTE } } : {}),
      }),
    ]);
    await clock.advance(10 * MINUTE);
    // 30 requests planned until the reset, 5 allowed (half of 10): 6 minutes apart instead of 1.
    assert.deepEqual(
      recorder.startsOf('nf:metrics').map((at) => at - start),
      [0, 6 * MINUTE],
    );
    scheduler.dispose();
  });

  test('a spent budget blocks the connection until its reset', async () => {
    const { clock, recorder, scheduler, start } = setup();
    scheduler.setFeeds([
      timedFeed(clock, recorder, 'nf:metrics', 'nf', MINUTE, {
        outcome: (index) =>
          index === 0 ? { error: new ProviderError('rateLimited', '429', { status: 429, rateLimit: { remaining: 0, resetAt: start + 20 * MINUTE } }) } : {},
      }),
    ]);
    await clock.advance(30 * MINUTE);
    assert.equal(recorder.startsOf('nf:metrics')[1]! - start, 20 * MINUTE);
    scheduler.dispose();
  });
});

describe('PollScheduler: focus', () => {
  test('paused while unfocused; focus refreshes only what fell due meanwhile', async () => {
    const { clock, recorder, scheduler, states } = setup();
    scheduler.setFeeds([timedFeed(clock, recorder, 'a:pressure', 'a', 15 * SECOND), timedFeed(clock, recorder, 'a:metrics', 'a', 5 * MINUTE)]);
    await clock.advance(SECOND);
    assert.equal(recorder.runs.length, 2);

    // A short switch away: nothing fell due, so focus costs nothing.
    scheduler.setFocused(false);
    await clock.advance(5 * SECOND);
    scheduler.setFocused(true);
    await settle();
    assert.equal(recorder.runs.length, 2);

    scheduler.setFocused(false);
    assert.equal(states.get('a')?.pausedForFocus, true);
    await clock.advance(10 * MINUTE);
    assert.equal(recorder.runs.length, 2, 'polled while unfocused');
    assert.equal(clock.pending, 0, 'a paused scheduler keeps no timer');
    scheduler.setFocused(true);
    await clock.advance(0);
    assert.deepEqual(
      recorder.runs.slice(2).map((run) => run.key),
      ['a:pressure', 'a:metrics'],
    );
    scheduler.dispose();
  });

  test('keeps polling unfocused when the setting is off', async () => {
    const { clock, recorder, scheduler } = setup({ pauseWhenUnfocused: false, focused: false });
    scheduler.setFeeds([timedFeed(clock, recorder, 'a:pressure', 'a', 15 * SECOND)]);
    await clock.advance(MINUTE);
    assert.equal(recorder.runs.length, 5);
    scheduler.setPauseWhenUnfocused(true);
    await clock.advance(MINUTE);
    assert.equal(recorder.runs.length, 5);
    scheduler.dispose();
  });
});

describe('PollScheduler: manual refresh', () => {
  test('joins the request in flight instead of sending a second one', async () => {
    const { clock, scheduler } = setup();
    const live = manualFeed('a:live', 'a', 15 * SECOND);
    scheduler.setFeeds([live.feed]);
    await settle();
    assert.equal(live.calls.length, 1);
    let done = false;
    const refreshed = scheduler.refresh('a').then(() => (done = true));
    void scheduler.refresh();
    await settle();
    assert.equal(live.calls.length, 1, 'refresh doubled the request in flight');
    assert.equal(done, false);
    live.calls[0]!.resolve(reading());
    await refreshed;
    assert.equal(live.calls.length, 1);
    // The schedule continues from that answer: next poll one interval later, not sooner.
    await clock.advance(15 * SECOND - 1);
    assert.equal(live.calls.length, 1);
    await clock.advance(1);
    assert.equal(live.calls.length, 2);
    scheduler.dispose();
  });

  test('when idle, polls every feed of the connection now and resolves after', async () => {
    const { clock, recorder, scheduler, start } = setup();
    scheduler.setFeeds([
      timedFeed(clock, recorder, 'a:pressure', 'a', 15 * SECOND, { durationMs: 100 }),
      timedFeed(clock, recorder, 'a:metrics', 'a', 5 * MINUTE, { durationMs: 100 }),
    ]);
    await clock.advance(5 * SECOND);
    const refreshed = scheduler.refresh('a');
    await clock.advance(200);
    await refreshed;
    assert.deepEqual(
      recorder.runs.slice(2).map((run) => [run.key, run.start - start]),
      [
        ['a:pressure', 5 * SECOND],
        ['a:metrics', 5 * SECOND + 100],
      ],
    );
    scheduler.dispose();
  });
});

describe('PollScheduler: changes and dispose', () => {
  test('setFeeds with a changed interval repolls at once; the same config does not', async () => {
    const { clock, recorder, scheduler, start } = setup();
    scheduler.setFeeds([timedFeed(clock, recorder, 'a:live', 'a', MINUTE)]);
    await clock.advance(10 * SECOND);
    scheduler.setFeeds([timedFeed(clock, recorder, 'a:live', 'a', MINUTE)]);
    await settle();
    assert.equal(recorder.runs.length, 1, 'an unchanged feed was repolled');
    scheduler.setFeeds([timedFeed(clock, recorder, 'a:live', 'a', 30 * SECOND)]);
    await settle();
    assert.deepEqual(
      recorder.startsOf('a:live').map((at) => at - start),
      [0, 10 * SECOND],
    );
    await clock.advance(30 * SECOND);
    assert.deepEqual(
      recorder.startsOf('a:live').map((at) => at - start),
      [0, 10 * SECOND, 40 * SECOND],
    );
    scheduler.dispose();
  });

  test('a config change during a run aborts it and repolls once it has settled', async () => {
    const { clock, recorder, scheduler, readings } = setup();
    scheduler.setFeeds([timedFeed(clock, recorder, 'a:live', 'a', MINUTE, { durationMs: 5 * SECOND, configKey: 'v1' })]);
    await clock.advance(SECOND);
    const first = recorder.runs[0]!;
    scheduler.setFeeds([timedFeed(clock, recorder, 'a:live', 'a', MINUTE, { durationMs: 5 * SECOND, configKey: 'v2' })]);
    await settle();
    assert.equal(first.signal.aborted, true);
    assert.equal(recorder.maxPerConnection, 1);
    assert.equal(recorder.runs.length, 2);
    await clock.advance(5 * SECOND);
    assert.equal(readings.length, 1, 'the aborted run must not be reported');
    scheduler.dispose();
  });

  test('invalidate aborts a run in flight and polls again', async () => {
    const { scheduler, errors } = setup();
    const live = manualFeed('a:live', 'a', MINUTE);
    scheduler.setFeeds([live.feed]);
    await settle();
    scheduler.invalidate('a');
    assert.equal(live.calls[0]!.signal.aborted, true);
    live.calls[0]!.reject(new ProviderError('cancelled', 'aborted'));
    await settle();
    assert.equal(live.calls.length, 2);
    assert.equal(errors.length, 0, 'our own abort is not an error');
    scheduler.dispose();
  });

  test('dispose aborts runs in flight, resolves refreshes, leaves no timer and reports nothing after', async () => {
    const { clock, recorder, scheduler, readings, errors } = setup();
    const slow = manualFeed('a:live', 'a', 15 * SECOND);
    scheduler.setFeeds([
      slow.feed,
      timedFeed(clock, recorder, 'b:live', 'b', 15 * SECOND),
      timedFeed(clock, recorder, 'c:live', 'c', 15 * SECOND, { durationMs: 10 * SECOND }),
    ]);
    await clock.advance(20 * SECOND);
    assert.ok(clock.pending > 0);
    const refreshed = scheduler.refresh('a');
    scheduler.dispose();
    await refreshed;
    assert.equal(slow.calls[0]!.signal.aborted, true);
    assert.ok(recorder.runs.filter((run) => run.end === undefined || run.signal.aborted).every((run) => run.signal.aborted));
    assert.equal(clock.pending, 0, 'timers left after dispose');
    const seen = readings.length + errors.length;
    slow.calls[0]!.resolve(reading());
    await clock.advance(10 * MINUTE);
    assert.equal(readings.length + errors.length, seen);
    assert.equal(recorder.runs.filter((run) => run.start > clock.now() - 10 * MINUTE).length, 0);
  });
});

describe('PollScheduler: ownership', () => {
  test('polls only owned connections and continues a handed-over schedule', async () => {
    const { clock, recorder, scheduler, start } = setup({ initiallyOwnsAll: false });
    scheduler.setFeeds([timedFeed(clock, recorder, 'a:live', 'a', MINUTE), timedFeed(clock, recorder, 'b:live', 'b', MINUTE)]);
    await clock.advance(5 * MINUTE);
    assert.equal(recorder.runs.length, 0);
    assert.equal(clock.pending, 0);

    const handoff = { feeds: { 'a:live': { nextDueAt: start + 5 * MINUTE + 40 * SECOND, failures: 0 } }, notBefore: undefined };
    scheduler.setOwnedConnections(['a', 'b'], new Map([['a', handoff]]));
    await settle();
    // b has no handoff: due now. a continues the previous poller's schedule: no burst on takeover.
    assert.deepEqual(
      recorder.runs.map((run) => [run.key, run.start - start]),
      [['b:live', 5 * MINUTE]],
    );
    await clock.advance(40 * SECOND);
    assert.deepEqual(
      recorder.startsOf('a:live').map((at) => at - start),
      [5 * MINUTE + 40 * SECOND],
    );

    const handedOver = scheduler.handoffState('a');
    assert.equal(handedOver?.feeds['a:live']?.nextDueAt, clock.now() + MINUTE);
    scheduler.setOwnedConnections(['b']);
    await clock.advance(10 * MINUTE);
    assert.equal(recorder.startsOf('a:live').length, 1, 'kept polling a connection it no longer owns');
    scheduler.dispose();
  });

  test('a handoff carries Retry-After to the next poller, and a corrupt one cannot silence a feed', async () => {
    const { clock, recorder, scheduler, start } = setup({ initiallyOwnsAll: false });
    scheduler.setFeeds([timedFeed(clock, recorder, 'a:live', 'a', MINUTE), timedFeed(clock, recorder, 'b:live', 'b', MINUTE)]);
    scheduler.setOwnedConnections(
      ['a', 'b'],
      new Map<string, PollHandoff>([
        ['a', { feeds: {}, notBefore: start + 3 * MINUTE }],
        ['b', { feeds: { 'b:live': { nextDueAt: start + 1e12 } } }],
      ]),
    );
    await clock.advance(60 * MINUTE);
    assert.equal(recorder.startsOf('a:live')[0]! - start, 3 * MINUTE);
    assert.ok(recorder.startsOf('b:live')[0]! - start <= 15 * MINUTE);
    scheduler.dispose();
  });
});
