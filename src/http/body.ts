/** Reading response bodies within a byte cap, and dropping the ones we will not use. */
import type { Dispatcher } from 'undici';

export function describeBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

export class BodyTooLarge extends Error {}

/**
 * Stops reading a body we will not use. A bare destroy() makes undici emit an 'error' event, which
 * with no listener would crash the extension host, so one is attached first.
 */
export function discardBody(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

export interface BodyText {
  readonly text: string;
  /** The body went on past the limit and was cut: its end may hold half of something. */
  readonly truncated: boolean;
}

/** Reads a body up to `limit` bytes. Past the limit: truncate (error bodies) or throw BodyTooLarge. */
export async function readBody(body: Dispatcher.ResponseData['body'], limit: number, truncate: boolean): Promise<BodyText> {
  const chunks: Buffer[] = [];
  let total = 0;
  let truncated = false;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    total += buffer.length;
    if (total > limit) {
      discardBody(body);
      if (!truncate) throw new BodyTooLarge();
      chunks.push(buffer.subarray(0, buffer.length - (total - limit)));
      truncated = true;
      break;
    }
    chunks.push(buffer);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated };
}
