/**
 * Entry of dist/parseWorker.js, which serves twice. As a worker thread it reads what would block the
 * extension host: large Prometheus/OpenMetrics expositions, Browserless /metrics arrays and
 * /metrics/total objects; input
 * arrives in slices, output leaves one bounded part per request from the host (see protocol.ts).
 * Loaded on the host's thread (parserModule.ts) it only exports the parser, for small bodies: the
 * parser then lives in one bundle, loaded on first use, instead of in the extension's own bundle.
 */
import { isMainThread, parentPort } from 'node:worker_threads';
import { parsePrometheusText } from '../prometheus/parsePrometheusText';
import type { ParseResult, PromSample } from '../prometheus/types';
import { JsonArraySplitter } from './jsonArraySplitter';
import {
  PART_CHARACTERS,
  PART_SAMPLES,
  type ExpositionPart,
  type ExpositionSummary,
  type FamilyHeader,
  type FromWorker,
  type JobSpec,
  type ObjectSummary,
  type PeriodsPart,
  type PeriodsSummary,
  type ToWorker,
} from './protocol';

interface Output {
  readonly part: unknown;
}

interface Job {
  input(chunk: string | Uint8Array): void;
  end(): void;
  /** The next part, the summary when nothing is left, or undefined while more input is awaited. */
  next(): Output | { readonly summary: unknown } | undefined;
}

export { parsePrometheusText } from '../prometheus/parsePrometheusText';

const port = isMainThread ? null : parentPort;

const jobs = new Map<number, Job>();
/** Jobs whose host asked for a part that was not ready yet. */
const waiting = new Set<number>();

function send(message: FromWorker): void {
  port!.postMessage(message);
}

function fail(id: number, error: unknown): void {
  jobs.delete(id);
  waiting.delete(id);
  send({ type: 'failed', id, message: error instanceof Error ? error.message : String(error) });
}

/** Sends the next part (or the summary) of a job whose host is waiting, if it is ready. */
function pump(id: number): void {
  const job = jobs.get(id);
  if (job === undefined || !waiting.has(id)) return;
  let output: ReturnType<Job['next']>;
  try {
    output = job.next();
  } catch (error) {
    return fail(id, error);
  }
  if (output === undefined) return;
  waiting.delete(id);
  if ('part' in output) send({ type: 'part', id, part: output.part });
  else {
    jobs.delete(id);
    send({ type: 'done', id, summary: output.summary });
  }
}

function receive(message: ToWorker): void {
  const { id } = message;
  try {
    switch (message.type) {
      case 'begin':
        jobs.set(id, createJob(message.spec));
        return;
      case 'input':
        jobs.get(id)?.input(message.chunk);
        return pump(id);
      case 'end':
        jobs.get(id)?.end();
        return pump(id);
      case 'next':
        waiting.add(id);
        return pump(id);
      case 'cancel':
        jobs.delete(id);
        waiting.delete(id);
        return;
    }
  } catch (error) {
    fail(id, error);
  }
}

if (port !== null) port.on('message', receive);

function createJob(spec: JobSpec): Job {
  switch (spec.job) {
    case 'exposition':
      return expositionJob(spec.options);
    case 'periods':
      return periodsJob(spec.since, spec.keepLast ?? false, spec.limit);
    case 'object':
      return objectJob(spec.countArrays);
  }
}

// ---- expositions ----------------------------------------------------------------------------------

function expositionJob(options: Extract<JobSpec, { job: 'exposition' }>['options']): Job {
  const pieces: string[] = [];
  // One decoder for the whole body: a byte slice may end inside a UTF-8 character.
  const decoder = new TextDecoder();
  let parts: Iterator<ExpositionPart> | undefined;
  let result: ParseResult | undefined;
  return {
    input: (chunk) => void pieces.push(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })),
    end: () => {
      pieces.push(decoder.decode());
      result = parsePrometheusText(pieces.join(''), options);
      pieces.length = 0;
      parts = partsOf(result);
    },
    next: () => {
      if (parts === undefined || result === undefined) return undefined;
      const next = parts.next();
      if (!next.done) return { part: next.value };
      const summary: ExpositionSummary = { issues: result.issues, flags: result.flags ?? [], sawEof: result.sawEof, format: result.format ?? 'prometheus' };
      return { summary };
    },
  };
}

/**
 * The families in exposition order, cut into parts of at most PART_SAMPLES samples (a family header
 * counts as one) and about PART_CHARACTERS characters of names and labels.
 */
function* partsOf(result: ParseResult): Generator<ExpositionPart> {
  let headers: FamilyHeader[] = [];
  let chunks: (readonly [number, readonly PromSample[]])[] = [];
  let weight = 0;
  let characters = 0;
  const full = (): boolean => weight >= PART_SAMPLES || characters >= PART_CHARACTERS;
  const take = (): ExpositionPart => {
    const part = { headers, chunks };
    headers = [];
    chunks = [];
    weight = 0;
    characters = 0;
    return part;
  };
  const families = result.families;
  for (let index = 0; index < families.length; index++) {
    const family = families[index]!;
    headers.push(header(family));
    weight++;
    const all = family.samples;
    let from = 0;
    for (let i = 0; i < all.length; i++) {
      const sample = all[i]!;
      weight++;
      characters += sample.name.length;
      for (const key in sample.labels) characters += key.length + sample.labels[key]!.length;
      if (full()) {
        chunks.push([index, all.slice(from, i + 1)]);
        from = i + 1;
        yield take();
      }
    }
    if (from < all.length) chunks.push([index, all.slice(from)]);
    if (full()) yield take();
  }
  if (headers.length > 0 || chunks.length > 0) yield take();
}

function header(family: ParseResult['families'][number]): FamilyHeader {
  const result: { -readonly [K in keyof FamilyHeader]: FamilyHeader[K] } = { name: family.name, type: family.type };
  if (family.help !== undefined) result.help = family.help;
  if (family.unit !== undefined) result.unit = family.unit;
  return result;
}

// ---- Browserless /metrics periods ---------------------------------------------------------------

/** Periods per part at most; PART_CHARACTERS of their JSON bounds a part too. */
const PART_PERIODS = 100;

function periodsJob(since: number | undefined, keepLast: boolean, limit: number | undefined): Job {
  /** Full batches waiting to be sent, and the one being filled. */
  const batches: PeriodsPart[] = [];
  let batch: unknown[] = [];
  let indexes: number[] = [];
  let batchCharacters = 0;
  let elements = 0;
  let kept = 0;
  let overLimit = 0;
  let latestDate: number | undefined;
  /** With keepLast, the latest element waits: only the next one tells whether it is the last. */
  let held: { readonly value: unknown; readonly length: number; readonly index: number } | undefined;
  let ended = false;
  const decoder = new TextDecoder();

  const flush = (): void => {
    if (batch.length > 0) batches.push({ periods: batch, indexes });
    batch = [];
    indexes = [];
    batchCharacters = 0;
  };
  const keep = (value: unknown, length: number, index: number): void => {
    if (batch.length >= PART_PERIODS || batchCharacters + length > PART_CHARACTERS) flush();
    batch.push(value);
    indexes.push(index);
    batchCharacters += length;
    kept++;
  };
  const decide = (value: unknown, length: number, index: number): void => {
    const date = dateOf(value);
    if (since !== undefined && date !== undefined && date <= since) return;
    // Past the limit, a period is counted, not kept: memory and work per call stay bounded.
    if (limit !== undefined && kept >= limit) overLimit++;
    else keep(value, length, index);
  };
  const splitter = new JsonArraySplitter((parsed, length) => {
    const index = elements++;
    const value = flat(parsed);
    const date = dateOf(value);
    if (date !== undefined) latestDate = latestDate === undefined ? date : Math.max(latestDate, date);
    if (!keepLast) return decide(value, length, index);
    if (held !== undefined) decide(held.value, held.length, held.index);
    held = { value, length, index };
  });

  return {
    input: (chunk) => splitter.push(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })),
    end: () => {
      splitter.push(decoder.decode());
      splitter.end();
      if (held !== undefined) keep(held.value, held.length, held.index);
      held = undefined;
      flush();
      ended = true;
    },
    next: () => {
      const part = batches.shift();
      if (part !== undefined) return { part };
      if (!ended) return undefined;
      const summary: PeriodsSummary = {
        elements,
        kept,
        ...(latestDate === undefined ? {} : { latestDate }),
        ...(overLimit > 0 ? { overLimit } : {}),
      };
      return { summary };
    },
  };
}

// ---- one JSON object, with its large arrays counted (Browserless /metrics/total) --------------------

function objectJob(countArrays: readonly string[]): Job {
  const pieces: string[] = [];
  const decoder = new TextDecoder();
  let summary: ObjectSummary | undefined;
  return {
    input: (chunk) => void pieces.push(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })),
    end: () => {
      pieces.push(decoder.decode());
      const text = pieces.join('');
      pieces.length = 0;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        // JSON.parse quotes the text it choked on; the body is the server's, so it stays out of messages.
        throw new Error('the body is not valid JSON');
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        summary = { object: null, lengths: {} };
        return;
      }
      const object = value as Record<string, unknown>;
      const lengths: Record<string, number> = {};
      for (const name of countArrays) {
        const array = object[name];
        if (!Array.isArray(array)) continue;
        lengths[name] = array.length;
        delete object[name];
      }
      summary = { object: flat(object) as Record<string, unknown>, lengths };
    },
    next: () => (summary === undefined ? undefined : { summary }),
  };
}

/** What stands in for a nested structure in a flattened value: a string no schema takes for a number. */
const NESTED = '[nested: not read]';

function isPrimitive(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

/**
 * An element as the host may receive it: top-level fields whose values are primitives or arrays of
 * primitives (a period's `sessionTimes`); any deeper structure becomes a marker. Nothing reads
 * deeper, and structured cloning a deep value overflows the stack on the receiving side, where the
 * message would be lost.
 */
function flat(value: unknown): unknown {
  if (isPrimitive(value)) return value;
  if (Array.isArray(value)) return value.every(isPrimitive) ? value : NESTED;
  // fromEntries defines each field, so a `__proto__` key stays a field.
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, field]) => [
      key,
      isPrimitive(field) || (Array.isArray(field) && field.every(isPrimitive)) ? field : NESTED,
    ]),
  );
}

function dateOf(value: unknown): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const date = (value as { date?: unknown }).date;
  return typeof date === 'number' && Number.isFinite(date) ? date : undefined;
}
