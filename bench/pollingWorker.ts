/**
 * One "VS Code window" for the polling benchmark: WindowPolling over a shared folder, with feeds that
 * GET a counting server on 127.0.0.1. Prints `ready`, starts on a `go` line (so all windows start in
 * the same instant), disposes (releasing its leases) on `stop` or SIGTERM.
 * Usage: node --import tsx bench/pollingWorker.ts <folder> <windowId> <port> <connections> <intervalMs>
 */
import { request } from 'node:http';
import { createInterface } from 'node:readline';
import type { Feed } from '../src/polling/pollScheduler';
import { WindowPolling } from '../src/polling/windowPolling';
import type { Reading } from '../src/providers/types';

const [folder, windowId, port, connections, interval] = process.argv.slice(2);
if (!folder || !windowId || !port || !connections || !interval) {
  console.error('usage: pollingWorker <folder> <windowId> <port> <connections> <intervalMs>');
  process.exit(2);
}

function get(path: string, signal: AbortSignal): Promise<Reading> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port: Number(port), path, headers: { 'x-window': windowId }, signal }, (response) => {
      response.resume();
      response.on('end', () => resolve({ fetchedAt: Date.now(), samples: [] }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

const polling = new WindowPolling<{ at: number }>({
  folder,
  windowId,
  heartbeatMs: 250,
  staleAfterMs: 1_000,
  readerPollMs: 250,
  onReading: (feed, reading) => polling.publish(feed.connectionId, { at: reading.fetchedAt }),
  onError: () => undefined,
});

const feeds: Feed[] = Array.from({ length: Number(connections) }, (_, index) => ({
  key: `connection-${index}:live`,
  connectionId: `connection-${index}`,
  intervalMs: Number(interval),
  run: (signal) => get(`/connection-${index}`, signal),
}));

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void polling.dispose().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'go') void polling.setFeeds(feeds);
  else if (line.trim() === 'stop') stop();
});
console.log('ready');
