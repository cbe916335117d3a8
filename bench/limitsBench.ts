/**
 * What a hostile or huge endpoint costs, in peak RSS of a fresh process per measurement:
 * (a) a Prometheus endpoint with 100,000 series, scraped, capped, stored in history and turned into a
 *     snapshot as a poll does, at the default cap (1,000 series) and with the cap lifted to 100,000;
 * (b) compaction of a 100 MB full-resolution day file (streamed).
 * A measurement that cannot be taken (a worker that fails or prints nothing) fails the whole run:
 * no figure is printed that was not measured now.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connectionPaths } from '../src/history/paths';
import { DEFAULT_MAX_SERIES } from '../src/providers/seriesCap';

const ROOT = path.resolve(__dirname, '..');
const WORKER = path.join(__dirname, 'limitsWorker.ts');
const ENDPOINT_SERIES = 100_000;
const DAY_MEGABYTES = 100;

type Figures = Record<string, number>;

function worker(args: readonly string[]): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      try {
        const figures = JSON.parse(line) as Figures;
        if (code !== 0 || typeof figures.peakRssMb !== 'number') throw new Error('no figures');
        resolve(figures);
      } catch {
        reject(
          new Error(`limits bench: worker ${args[0] ?? ''} could not measure (exit ${String(code)}): ${err.trim().slice(-600) || out.trim().slice(-600)}`),
        );
      }
    });
  });
}

function exposition(series: number): string {
  const lines = ['# HELP bench_series One gauge with very many label values.', '# TYPE bench_series gauge'];
  for (let index = 0; index < series; index++) lines.push(`bench_series{i="${index}",shard="${index % 16}"} ${index % 97}`);
  return `${lines.join('\n')}\n`;
}

async function seriesFigures(): Promise<void> {
  const body = exposition(ENDPOINT_SERIES);
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  const folder = mkdtempSync(path.join(tmpdir(), 'live-usage-bench-series-'));
  try {
    const rows: [string, Figures][] = [];
    for (const cap of [DEFAULT_MAX_SERIES, ENDPOINT_SERIES])
      rows.push([`cap ${cap.toLocaleString('en-US')}`, await worker(['series', url, String(cap), '5', path.join(folder, String(cap))])]);
    console.log(
      `\n## A Prometheus endpoint with ${ENDPOINT_SERIES.toLocaleString('en-US')} series (${(Buffer.byteLength(body) / 1024 / 1024).toFixed(1)} MB a scrape), 5 scrapes`,
    );
    console.log('| setting | series kept | snapshot | history samples per scrape | ms per scrape | peak RSS |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const [name, figures] of rows) {
      console.log(
        `| ${name} | ${figures.kept?.toLocaleString('en-US')} | ${((figures.snapshotBytes ?? 0) / 1024).toFixed(0)} KB | ${figures.samplesPerScrape?.toLocaleString('en-US')} | ${figures.msPerScrape} | ${figures.peakRssMb} MB |`,
      );
    }
  } finally {
    server.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

async function compactionFigures(): Promise<void> {
  const folder = mkdtempSync(path.join(tmpdir(), 'live-usage-bench-compact-'));
  try {
    const paths = connectionPaths(folder, 'bench');
    const file = path.join(paths.full, '2024-05-01.jsonl');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(paths.full, { recursive: true });
    const written = await worker(['writeDay', file, String(DAY_MEGABYTES)]);
    const compacted = await worker(['compact', folder, file]);
    console.log(`\n## Compaction of a ${((written.bytes ?? 0) / 1024 / 1024).toFixed(0)} MB full-resolution day file (500 series, streamed)`);
    console.log('| seconds | peak RSS |');
    console.log('| --- | --- |');
    console.log(`| ${compacted.seconds} | ${compacted.peakRssMb} MB |`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

export async function runLimitsBench(): Promise<void> {
  console.log('\n# Limits: what a huge endpoint and a huge day file cost (peak RSS of a fresh process each)');
  await seriesFigures();
  await compactionFigures();
}
