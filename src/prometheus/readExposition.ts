/**
 * The one way provider clients read a Prometheus/OpenMetrics body. A small body is parsed right
 * here; a large one is parsed by the parser worker and comes back in bounded parts, each taken in
 * (and, through `onPart`, converted by the caller) in its own turn of the event loop, so no poll
 * blocks the extension host, which every other extension shares, for more than a few milliseconds.
 */
import type { ExpositionPart, ExpositionSummary } from '../worker/protocol';
import { parserModule } from '../worker/parserModule';
import { parseWorker } from '../worker/workerHost';
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
  /** Bodies larger than this go to the worker (default INLINE_LIMIT; tests lower it). */
  readonly inlineLimit?: number;
}

/** Parses `text` as ParseOptions says, on this thread or in the worker depending on its size. */
export async function readExposition(text: string, options: ReadExpositionOptions = {}): Promise<ParseResult> {
  const parseOptions: Pick<ParseOptions, 'format' | 'contentType'> = { format: options.format ?? 'auto', contentType: options.contentType };
  if (text.length <= (options.inlineLimit ?? INLINE_LIMIT)) {
    options.signal?.throwIfAborted();
    const result = parserModule().parsePrometheusText(text, parseOptions);
    options.onPart?.(result);
    return result;
  }
  const families: { -readonly [K in keyof MetricFamily]: MetricFamily[K] }[] = [];
  const samplesOf: PromSample[][] = [];
  const job = parseWorker().run({ job: 'exposition', options: parseOptions }, text, options.signal);
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
        const target = samplesOf[index]!;
        for (const sample of samples) target.push(sample);
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
