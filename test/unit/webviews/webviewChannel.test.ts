/**
 * The one webview channel every surface runs on: the ready handshake, posting only while visible,
 * single flight of snapshot builds, one-off messages in order, the page's schema, errors, disposal.
 * Driven with a fake page; time plays no part (builds wait on promises the test resolves).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as z from 'zod/mini';
import { messageParser } from '../../../src/shared/pageMessages';
import { MAX_QUEUED_MESSAGES, WebviewChannel, type PageHandle, type SurfaceController } from '../../../src/webviews/webviewChannel';
import { FakePage } from './fakePage';

type In = { type: 'ready' } | { type: 'bump' } | { type: 'boom' };
type Out = { type: 'snapshot'; n: number } | { type: 'note'; text: string };

const parse = messageParser(() => ({ ready: z.object({}), bump: z.object({}), boom: z.object({}) }));

/** A controller whose snapshots count up; `hold()` makes the next builds wait until released. */
class Counter implements SurfaceController<In, Out> {
  n = 0;
  builds = 0;
  received: string[] = [];
  disposed = false;
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;

  constructor(readonly page: PageHandle<Out>) {}

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.gate = undefined;
    this.open?.();
  }

  async snapshot(): Promise<Out> {
    this.builds++;
    const n = this.n;
    await this.gate;
    return { type: 'snapshot', n };
  }

  receive(message: In): void {
    this.received.push(message.type);
    if (message.type === 'bump') {
      this.n++;
      this.page.update();
    }
    if (message.type === 'boom') throw new Error('the host could not do that');
  }

  dispose(): void {
    this.disposed = true;
  }
}

function rig(options: { retainsContext?: boolean; visible?: boolean } = {}) {
  const page = new FakePage(options);
  const failures: string[] = [];
  const ignored: string[] = [];
  let controller: Counter | undefined;
  const channel = new WebviewChannel<In, Out>(page, (handle) => (controller = new Counter(handle)), {
    parse,
    name: 'test view',
    log: { debug: (message) => ignored.push(message), warn: (message) => failures.push(message) },
    failed: (message) => failures.push(message),
  });
  const say = (message: unknown) => page.receive(message, () => channel.whenIdle());
  return { page, channel, controller: controller as unknown as Counter, failures, ignored, say, idle: () => channel.whenIdle() };
}

describe('the webview channel', () => {
  test('nothing is posted before the page says ready; ready is answered with a whole snapshot', async () => {
    const { page, channel, say, idle } = rig();
    channel.update();
    channel.send({ type: 'note', text: 'early' });
    await idle();
    assert.deepEqual(page.posted, []);
    await say({ type: 'ready' });
    assert.deepEqual(page.posted, [
      { type: 'snapshot', n: 0 },
      { type: 'note', text: 'early' },
    ]);
  });

  test('a hidden page gets nothing; shown again, it gets a snapshot built anew, then what waited', async () => {
    const { page, channel, controller, say, idle } = rig({ retainsContext: true });
    await say({ type: 'ready' });
    page.hide();
    controller.n = 5;
    channel.update();
    channel.send({ type: 'note', text: 'while hidden' });
    await idle();
    assert.deepEqual(page.dropped, [], 'nothing is posted to a hidden view');
    assert.equal(page.posted.length, 1);
    page.show();
    await idle();
    assert.deepEqual(page.posted.slice(1), [
      { type: 'snapshot', n: 5 },
      { type: 'note', text: 'while hidden' },
    ]);
  });

  test('a page that is not kept while hidden must say ready again before it gets anything', async () => {
    const { page, say, idle } = rig({ retainsContext: false });
    await say({ type: 'ready' });
    page.hide();
    page.show();
    await idle();
    assert.equal(page.posted.length, 1, 'a reloading page is not posted to');
    await say({ type: 'ready' });
    assert.equal(page.posted.length, 2);
  });

  test('one build at a time: changes during a build ask for exactly one more, which carries the latest state', async () => {
    const { page, controller, say, idle } = rig();
    await say({ type: 'ready' });
    controller.hold();
    const builds = controller.builds;
    // Handled, but the build they start is held: only the message is waited for.
    await page.receive({ type: 'bump' });
    await page.receive({ type: 'bump' });
    // The first build is still waiting; the second bump asked for more.
    assert.equal(controller.builds, builds + 1);
    const settled = idle();
    controller.release();
    await settled;
    assert.equal(controller.builds, builds + 2, 'one follow-up build, not one per change');
    assert.deepEqual(page.posted.at(-1), { type: 'snapshot', n: 2 });
  });

  test('a snapshot finished after the page was hidden is not posted', async () => {
    const { page, controller, say, idle } = rig({ retainsContext: true });
    await say({ type: 'ready' });
    controller.hold();
    await page.receive({ type: 'bump' });
    page.visible = false;
    controller.release();
    await idle();
    assert.deepEqual(page.dropped, []);
    assert.equal(page.postedOfType('snapshot').length, 1);
  });

  test('one-off messages keep their order and the newest few are kept while hidden', async () => {
    const { page, channel, say, idle } = rig({ retainsContext: true });
    await say({ type: 'ready' });
    page.hide();
    for (let index = 0; index < MAX_QUEUED_MESSAGES + 5; index++) channel.send({ type: 'note', text: String(index) });
    page.show();
    await idle();
    const notes = page.postedOfType<{ type: 'note'; text: string }>('note').map((note) => Number(note.text));
    assert.equal(notes.length, MAX_QUEUED_MESSAGES);
    assert.deepEqual(
      notes,
      Array.from({ length: MAX_QUEUED_MESSAGES }, (_, index) => index + 5),
    );
  });

  test('a message outside the protocol never reaches the controller', async () => {
    const { controller, ignored, say } = rig();
    await say({ type: 'ready' });
    await say({ type: 'delete everything' });
    await say('ready');
    await say(null);
    assert.deepEqual(controller.received, ['ready']);
    assert.equal(ignored.length, 3);
  });

  test('a failing action is reported in words and the channel keeps working', async () => {
    const { page, failures, say } = rig();
    await say({ type: 'ready' });
    await say({ type: 'boom' });
    assert.deepEqual(failures, ['the host could not do that']);
    await say({ type: 'bump' });
    assert.deepEqual(page.posted.at(-1), { type: 'snapshot', n: 1 });
  });

  test('closing the page disposes the controller and every subscription; nothing is posted after', async () => {
    const { page, channel, controller, say, idle } = rig();
    await say({ type: 'ready' });
    page.close();
    assert.ok(controller.disposed);
    assert.equal(page.listeners, 0);
    const posted = page.posted.length;
    channel.update();
    channel.send({ type: 'note', text: 'late' });
    await idle();
    assert.equal(page.posted.length, posted);
  });
});
