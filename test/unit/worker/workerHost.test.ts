/**
 * The parser worker as the host uses it, with the bundle the extension ships (built by esbuild for
 * the test): results equal the in-thread parse, output comes in bounded parts, and a worker that is
 * missing, crashes, exits, runs out of memory or stops answering fails its jobs with a clear error
 * instead of hanging them. Time-driven behaviour (job deadline, idle stop) runs on a FakeClock.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ProviderError } from '../../../src/http/errors';
import { parsePrometheusText } from '../../../src/prometheus/parsePrometheusText';
import { readExposition } from '../../../src/prometheus/readExposition';
import type { ParseResult } from '../../../src/prometheus/types';
import { PART_CHARACTERS, PART_SAMPLES, type ExpositionPart, type ExpositionSummary } from '../../../src/worker/protocol';
import { ParseWorkerHost, configureParseWorker, parseWorker, shutdownParseWorker, type ParseWorkerOptions } from '../../../src/worker/workerHost';
import { generateExposition } from '../../../bench/parserBench';
import { FakeClock, settle } from '../polling/fakeClock';
import { parseWorkerBundle, workerScript } from '../../support/parseWorkerBundle';

let bundle: string;
before(async () => {
  bundle = await parseWorkerBundle();
  await configureParseWorker({ file: bundle });
});
after(() => shutdownParseWorker());

/** Hosts made by a test are disposed when the file ends, so no thread outlives it. */
const hosts: ParseWorkerHost[] = [];
after(() => Promise.all(hosts.map((host) => host.dispose())));
function host(options: ParseWorkerOptions = {}): ParseWorkerHost {
  const created = new ParseWorkerHost({ file: bundle, ...options });
  hosts.push(created);
  return created;
}

/** Runs an exposition job to the end; returns its parts and summary. */
async function exposition(workerHost: ParseWorkerHost, text: string): Promise<{ parts: ExpositionPart[]; summary: ExpositionSummary }> {
  const job = workerHost.run({ job: 'exposition', options: { format: 'auto' } }, text);
  const parts: ExpositionPart[] = [];
  for (;;) {
    const next = await job.next();
    if (next.done === true) return { parts, summary: next.value as ExpositionSummary };
    parts.push(next.value as ExpositionPart);
  }
}

async function rejectsWithCode(promise: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ProviderError, String(error));
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    return true;
  });
}

const big = generateExposition(600 * 1024, 7);

describe('expositions through the worker', () => {
  test('readExposition of a large body equals the in-thread parse, and onPart sees every sample once, in order', async () => {
    const pieces: ParseResult[] = [];
    const result = await readExposition(big, { onPart: (part) => pieces.push(part) });
    assert.deepEqual(result, parsePrometheusText(big));
    assert.ok(pieces.length > 4, `only ${pieces.length} parts`);
    const seen = pieces.flatMap((piece) => piece.families.flatMap((family) => family.samples.map((sample) => `${family.name}:${sample.line}`)));
    assert.deepEqual(
      seen,
      result.families.flatMap((family) => family.samples.map((sample) => `${family.name}:${sample.line}`)),
    );
    assert.equal(parseWorker().running, true);
  });

  test('keepSamples: false: the result holds the families without samples, which reach onPart only', async () => {
    let seen = 0;
    const result = await readExposition(big, { keepSamples: false, onPart: (part) => (seen += part.families.reduce((n, f) => n + f.samples.length, 0)) });
    const whole = parsePrometheusText(big);
    assert.deepEqual(
      result.families.map((family) => family.name),
      whole.families.map((family) => family.name),
    );
    assert.ok(result.families.every((family) => family.samples.length === 0));
    assert.equal(
      seen,
      whole.families.reduce((n, f) => n + f.samples.length, 0),
    );
  });

  test('a small body is parsed on the calling thread and handed to onPart whole', async () => {
    await shutdownParseWorker();
    await configureParseWorker({ file: bundle });
    const pieces: ParseResult[] = [];
    const text = '# TYPE a gauge\na 1\n';
    const result = await readExposition(text, { onPart: (part) => pieces.push(part) });
    assert.deepEqual(pieces, [result]);
    assert.equal(parseWorker().running, false);
  });

  test('every part stays within its budget of samples and characters', async () => {
    const wide = `# TYPE w gauge\n${Array.from({ length: 400 }, (_, i) => `w{i="${i}",pad="${'p'.repeat(2000)}"} ${i}\n`).join('')}`;
    for (const text of [big, wide]) {
      const { parts } = await exposition(host(), text);
      for (const part of parts) {
        const samples = part.chunks.reduce((sum, [, chunk]) => sum + chunk.length, 0);
        assert.ok(samples + part.headers.length <= PART_SAMPLES, `${samples} samples and ${part.headers.length} headers in one part`);
        const characters = part.chunks.reduce((sum, [, chunk]) => sum + chunk.reduce((n, s) => n + JSON.stringify(s.labels).length, 0), 0);
        assert.ok(characters <= PART_CHARACTERS + 4200, `${characters} label characters in one part`);
      }
    }
  });

  test('content type, issues and flags come back with the result', async () => {
    const text = `${big}bad{ line\n# TYPE lat histogram\nlat_sum 1\n# EOF\n`;
    const result = await readExposition(text, { contentType: 'application/openmetrics-text; version=1.0.0' });
    assert.deepEqual(result, parsePrometheusText(text, { format: 'openmetrics' }));
    assert.equal(result.format, 'openmetrics');
    assert.ok(result.issues.length > 0 && (result.flags ?? []).length > 0);
  });

  test('an aborted read is cancelled', async () => {
    const controller = new AbortController();
    const reading = readExposition(big, { signal: controller.signal });
    controller.abort();
    await assert.rejects(reading, (error: unknown) => error instanceof ProviderError && error.kind === 'cancelled');
  });

  test('a caller whose onPart throws gets its error, and the worker stays usable', async () => {
    await assert.rejects(
      readExposition(big, {
        onPart: () => {
          throw new Error('converter failed');
        },
      }),
      /converter failed/,
    );
    assert.equal((await readExposition(big)).families.length, parsePrometheusText(big).families.length);
  });
});

describe('a worker that fails never leaves a job hanging', () => {
  test('missing worker script: a clear error naming it', async () => {
    await rejectsWithCode(exposition(host({ file: '/nonexistent/live-usage/parseWorker.js' }), 'a 1\n'), 'PARSER_WORKER_MISSING', /parseWorker\.js.*missing/);
  });

  test('a worker that throws: the job fails, the next job gets a fresh worker', async () => {
    const script = workerScript(
      'throws-once',
      `const { parentPort, workerData } = require('node:worker_threads');
       parentPort.on('message', () => { throw new Error('boom in the worker'); });`,
    );
    const failing = host({ file: script });
    await rejectsWithCode(exposition(failing, 'a 1\n'), 'PARSER_WORKER_CRASHED', /boom in the worker/);
    assert.equal(failing.running, false);
  });

  test('a worker that exits: the job fails with the exit code', async () => {
    const script = workerScript('exits', `require('node:worker_threads').parentPort.on('message', () => process.exit(3));`);
    await rejectsWithCode(exposition(host({ file: script }), 'a 1\n'), 'PARSER_WORKER_EXITED', /exit code 3/);
  });

  test('a body that needs more than the memory limit fails its poll; the next body reads fine', async () => {
    const limited = host({ maxHeapMb: 16 });
    const huge = generateExposition(12 * 1024 * 1024, 3);
    await rejectsWithCode(exposition(limited, huge), 'PARSER_WORKER_CRASHED', /16 MB memory limit/);
    const { summary } = await exposition(limited, big);
    assert.deepEqual(summary.issues, []);
  });

  test('a worker that never answers: the job fails at its deadline and the worker is stopped', async () => {
    const clock = new FakeClock();
    const silent = host({ file: workerScript('silent', `require('node:worker_threads').parentPort.on('message', () => {});`), clock, jobTimeoutMs: 30_000 });
    const job = exposition(silent, 'a 1\n');
    let settled = false;
    void job.catch(() => undefined).finally(() => (settled = true));
    await clock.advance(29_000);
    assert.equal(settled, false);
    await clock.advance(1_000);
    await rejectsWithCode(job, 'PARSER_WORKER_TIMEOUT', /did not finish within 30 s/);
    assert.equal(silent.running, false);
    assert.equal(clock.pending, 0);
  });
});

describe('lifecycle', () => {
  test('the thread stops after the idle time and starts again on the next job', async () => {
    const clock = new FakeClock();
    const idle = host({ clock, idleMs: 60_000 });
    await exposition(idle, 'a 1\n');
    assert.equal(idle.running, true);
    await clock.advance(59_000);
    assert.equal(idle.running, true);
    await clock.advance(1_000);
    assert.equal(idle.running, false);
    await exposition(idle, 'a 1\n');
    assert.equal(idle.running, true);
  });

  test('dispose fails the job in flight, stops the thread, and refuses new jobs', async () => {
    const disposable = host();
    const job = assert.rejects(exposition(disposable, big), (error: unknown) => error instanceof ProviderError && error.kind === 'cancelled');
    await settle();
    await disposable.dispose();
    await job;
    assert.equal(disposable.running, false);
    await assert.rejects(exposition(disposable, 'a 1\n'), (error: unknown) => error instanceof ProviderError && error.kind === 'cancelled');
  });
});
