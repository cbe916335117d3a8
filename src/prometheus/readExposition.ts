/**
 * The one way provider clients read a Prometheus/OpenMetrics body. A small body is parsed right
 * here; a large one is parsed by the parser worker and comes back in bounded parts, each taken in
 * (and, through `onPart`, converted by the caller) in its own turn of the event loop, so no poll
 * blocks the extension host, which every other extension shares, for more than a few milliseconds.
 */
import type { ExpositionPart, ExpositionSummary } from '../worker/protocol';
import { parserModule } from '../worker/parserModule';
import { parseWorker, type JobInput } from '../worker/workerHost';
import type { MetricFamily, ParseOptions, ParseResult, PromSample } from './types';

/**
 * Bodies up to this size are parsed on the host's thread. A worker round trip costs the host about
 * as much as parsing (the text is copied out, the results copied back), plus a millisecond or more
 * of latency, so it only pays where one parse would stall the thread: at roughly 50-100 MB/s for
 * parse and conversion together, 64 KiB takes about 1-2 ms on the host (under 5 ms on a loaded
 * machine), while a 1 MiB body would take 10-40 ms in one piece.
 */
export const INLINE_LIMIT = 64 * 1024;

export interface ReadExpositionOptions extends ParseOptions {
  readonly signal?: AbortSignal;
  /**
   * Called with consecutive pieces of the result (families holding a slice of their samples, in
   * exposition order; a family may appear in several pieces), each in its own turn of the event
   * loop for large bodies. Convert samples here to keep that work sliced too.
   */
  readonly onPart?: (part: ParseResult) => void;
  /**
   * False: a body read by the worker comes back with families but without their samples, which the
   * caller takes in through `onPart`. The host then never holds a large body's samples all at once
   * (100,000 of them cost tens of MB, and every young-generation collection during the read copies
   * the survivors: 5-20 ms pauses). Default true.
   */
  readonly keepSamples?: boolean;
  /** Bodies larger than this go to the worker (default INLINE_LIMIT; tests lower it). */
  readonly inlineLimit?: number;
}

/**
 * Parses a body as ParseOptions says: the whole text, or its pieces as they arrive (HttpClient.stream,
 * already redacted). A body that ends within `inlineLimit` characters is parsed on this thread; a
 * longer one goes to the worker, its pieces forwarded as they come, so the host never holds or copies
 * the whole text in one go.
 */
export async function readExposition(body: string | AsyncIterable<string>, options: ReadExpositionOptions = {}): Promise<ParseResult> {
  const limit = options.inlineLimit ?? INLINE_LIMIT;
  if (typeof body === 'string') return body.length <= limit ? readInline(body, options) : readInWorker(body, options);
  const iterator = body[Symbol.asyncIterator]();
  const head: string[] = [];
  let length = 0;
  while (length <= limit) {
    const next = await iterator.next();
    // Pieces within the limit are few and small: joining them costs less than a worker round trip.
    if (next.done === true) return readInline(head.join(''), options);
    head.push(next.value);
    length += next.value.length;
  }
  try {
    return await readInWorker(continued(head, iterator), options);
  } catch (error) {
    // Whatever stopped the job (the cap, an abort, a failed or stopped worker, a throwing onPart),
    // the stream is told to stop, which closes its connection; a finished stream ignores it.
    await iterator.return?.();
    throw error;
  }
}

/** The pieces already taken, then the rest of the stream. */
async function* continued(head: readonly string[], iterator: AsyncIterator<string>): AsyncGenerator<string, void, undefined> {
  yield* head;
  for (;;) {
    const next = await iterator.next();
    if (next.done === true) return;
    yield next.value;
  }
}

function parseOptionsOf(options: ReadExpositionOptions): Pick<ParseOptions, 'format' | 'contentType'> {
  return { format: options.format ?? 'auto', contentType: options.contentType };
}

function readInline(text: string, options: ReadExpositionOptions): ParseResult {
  options.signal?.throwIfAborted();
  const result = parserModule().parsePrometheusText(text, parseOptionsOf(options));
  options.onPart?.(result);
  return result;
}

async function readInWorker(input: JobInput, options: ReadExpositionOptions): Promise<ParseResult> {
  const families: { -readonly [K in keyof MetricFamily]: MetricFamily[K] }[] = [];
  const samplesOf: PromSample[][] = [];
  const keep = options.keepSamples ?? true;
  const job = parseWorker().run({ job: 'exposition', options: parseOptionsOf(options) }, input, options.signal);
  let summary: ExpositionSummary | undefined;
  try {
    for (;;) {
      const next = await job.next();
      if (next.done === true) {
        summary = next.value as ExpositionSummary;
        break;
      }
      const part = next.value as ExpositionPart;
      for (const header of part.headers) {
        const samples: PromSample[] = [];
        samplesOf.push(samples);
        families.push({ ...header, samples });
      }
      const pieces: MetricFamily[] = [];
      for (const [index, samples] of part.chunks) {
        if (keep) {
          const target = samplesOf[index]!;
          for (const sample of samples) target.push(sample);
        }
        if (options.onPart !== undefined) pieces.push({ ...families[index]!, samples });
      }
      options.onPart?.({ families: pieces, issues: [], flags: [], sawEof: false });
    }
  } finally {
    // A caller's onPart that throws leaves the job unfinished: cancel it in the worker.
    if (summary === undefined) await job.return(undefined);
  }
  return { families, issues: summary.issues, flags: summary.flags, sawEof: summary.sawEof, format: summary.format };
}

/**
 * Passes a stream's pieces through while noting whether any holds more than whitespace (an empty
 * body means something else than an unreadable one), without keeping the text.
 */
export function watchBlank(pieces: AsyncIterable<string>): { readonly pieces: AsyncIterable<string>; blank(): boolean } {
  let blank = true;
  async function* watched(): AsyncGenerator<string, void, undefined> {
    for await (const piece of pieces) {
      if (blank && /\S/.test(piece)) blank = false;
      yield piece;
    }
  }
  return { pieces: watched(), blank: () => blank };
}
