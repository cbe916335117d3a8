/**
 * The exporter's HTTP side: `GET /metrics` (the last readings, in the format the Accept header asks
 * for), `GET /healthz` (for orchestration: the process serves), and a short index at `/`. Requests
 * carry nothing the exporter reads beyond method, path and Accept, so a request body is never read.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { CONTENT_TYPES, negotiateFormat, type ExpositionFormat } from './exposition';

export interface MetricsServerOptions {
  readonly host: string;
  readonly port: number;
  render(format: ExpositionFormat): string;
  /** One line for /healthz, e.g. "ok: 3 of 4 connections up". */
  health(): string;
  onError(message: string): void;
}

export interface MetricsServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const INDEX = [
  'Live Usage exporter',
  '',
  '/metrics  the last readings of every connection (OpenMetrics 1.0 or Prometheus text 0.0.4, by Accept)',
  '/healthz  200 while the exporter serves',
  '',
].join('\n');

function reply(res: ServerResponse, status: number, contentType: string, body: string, head: boolean, extra: Record<string, string> = {}): void {
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(status, { 'content-type': contentType, 'content-length': String(bytes.length), 'cache-control': 'no-store', ...extra });
  res.end(head ? undefined : bytes);
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const sockets = new Set<Socket>();
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) return reply(res, 405, 'text/plain; charset=utf-8', 'Only GET and HEAD\n', false, { allow: 'GET, HEAD' });
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      const format = negotiateFormat(req.headers.accept);
      let body: string;
      try {
        body = options.render(format);
      } catch (error) {
        options.onError(`A scrape failed: ${error instanceof Error ? error.message : String(error)}`);
        return reply(res, 500, 'text/plain; charset=utf-8', 'The exporter could not build its metrics; its log says why.\n', head);
      }
      return reply(res, 200, CONTENT_TYPES[format], body, head);
    }
    if (path === '/healthz') return reply(res, 200, 'text/plain; charset=utf-8', `${options.health()}\n`, head);
    if (path === '/') return reply(res, 200, 'text/plain; charset=utf-8', INDEX, head);
    return reply(res, 404, 'text/plain; charset=utf-8', 'Not found: try /metrics or /healthz\n', head);
  };
  const server: Server = createServer((req, res) => {
    res.on('error', () => undefined);
    // The body, if any, is not read: drop it rather than buffer it.
    req.resume();
    handle(req, res);
  });
  // Slow clients cannot hold a socket for long.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
