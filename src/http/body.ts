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

/** Reads a body up to `limit` bytes. Past the limit: truncate (error bodies) or throw BodyTooLarge. */
export async function readBody(body: Dispatcher.ResponseData['body'], limit: number, truncate: boolean): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    total += buffer.length;
    if (total > limit) {
      discardBody(body);
      if (truncate) {
        chunks.push(buffer.subarray(0, buffer.length - (total - limit)));
        break;
      }
      throw new BodyTooLarge();
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
