/**
 * One measurement of the limits bench, in a process of its own so its peak RSS is its own. Prints one
 * line of JSON with `peakRssMb` and the figures of the measurement.
 *   series <scrapeUrl> <maxSeries> <scrapes> <folder>  scrape, cap, store history, build the snapshot, as a poll does
 *   writeDay <file> <megabytes>                         write a full-resolution day file (not measured)
 *   compact <folder>                                    compact the day file written under <folder>
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { describeSample, encodeDescriptor, encodeFullRecord, encodeHeader, payloadOf } from '../src/history/format';
import { HistoryStore } from '../src/history/historyStore';
import { DAY_MS } from '../src/history/paths';
import { HttpClient } from '../src/http/httpClient';
import { PrometheusClient } from '../src/providers/prometheus/prometheusClient';

export const BENCH_DAY = Date.UTC(2024, 4, 1);
const SERIES = 500;
const quiet = { info: () => undefined, warn: (line: string) => process.stderr.write(`${line}\n`) };

function finish(figures: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ ...figures, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
}

async function series(url: string, maxSeries: number, scrapes: number, folder: string): Promise<void> {
  const http = new HttpClient({ maxBytes: 64 * 1024 * 1024 });
  const client = new PrometheusClient(http, { baseUrl: url });
  const history = await HistoryStore.open(folder, { fullResolutionDays: 7, downsampledDays: 30, log: quiet });
  let kept = 0;
  let snapshotBytes = 0;
  let historyBytes = 0;
  const started = performance.now();
  for (let scrape = 0; scrape < scrapes; scrape++) {
    const reading = await client.scrape({ maxSeries });
    kept = reading.samples.length;
    // Stamped a scrape apart, as 30 s polls would be, so each scrape is stored.
    const samples = reading.samples.map((sample) => ({ ...sample, at: sample.at - (scrapes - scrape) * 30_000 }));
    const result = await history.append('bench', samples);
    historyBytes = result.written;
    snapshotBytes = Buffer.byteLength(JSON.stringify({ latest: reading.samples, notes: reading.notes ?? [] }));
  }
  const msPerScrape = (performance.now() - started) / scrapes;
  await history.close();
  await http.close();
  finish({ kept, snapshotBytes, samplesPerScrape: historyBytes, msPerScrape: Math.round(msPerScrape) });
}

async function writeDay(file: string, megabytes: number): Promise<void> {
  const out = createWriteStream(file);
  let bytes = 0;
  const write = async (text: string): Promise<void> => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(encodeHeader('full', BENCH_DAY));
  for (let id = 0; id < SERIES; id++)
    await write(encodeDescriptor({ ...describeSample({ series: `bench.s${id}`, unit: 'count', labels: { shard: String(id % 16) } }), id }));
  for (let step = 0; bytes < megabytes * 1024 * 1024 && step * 100 < DAY_MS; step++) {
    const lines: string[] = [];
    for (let id = 0; id < SERIES; id++) lines.push(encodeFullRecord(id, step * 100, payloadOf((id + step) % 1000, undefined, undefined)));
    // Now and then a revised value, as a provider that sends a minute twice causes.
    if (step % 100 === 7) lines.push(encodeFullRecord(0, step * 100, payloadOf(-1, undefined, undefined)));
    await write(lines.join(''));
  }
  out.end();
  await once(out, 'finish');
  finish({ bytes });
}

async function compact(folder: string, file: string): Promise<void> {
  const bytes = (await stat(file)).size;
  const now = BENCH_DAY + 8 * DAY_MS;
  const store = await HistoryStore.open(folder, { fullResolutionDays: 7, downsampledDays: 30, log: quiet, now: () => now });
  const started = performance.now();
  const result = await store.compact(now);
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  if (result.downsampled !== 1) throw new Error(`expected one day downsampled, got ${JSON.stringify(result)}`);
  finish({ bytes, seconds: Math.round(seconds * 10) / 10 });
}

async function main(): Promise<void> {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === 'series') return series(args[0] ?? '', Number(args[1]), Number(args[2]), args[3] ?? '');
  if (mode === 'writeDay') return writeDay(args[0] ?? '', Number(args[1]));
  if (mode === 'compact') return compact(args[0] ?? '', args[1] ?? '');
  throw new Error('usage: limitsWorker series|writeDay|compact …');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
