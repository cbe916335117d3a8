/**
 * The exporter as one object: the poller (providers polled at their own pace) and the metrics server
 * (scrapes read what the poller holds), wired together and closed together. main.ts builds it from
 * the command line; tests, the integration suite and the bench build it directly.
 */
import { HttpClient } from '../http/httpClient';
import { RedactingLog, type LogSink } from '../log';
import { systemClock, type Clock } from '../polling/clock';
import type { ConnectionConfig } from '../shared/connections';
import { ExporterPoller } from './exporterPoller';
import { collectFamilies } from './exporterMetrics';
import { renderExposition, type ExpositionFormat } from './exposition';
import { startMetricsServer, type MetricsServer } from './metricsServer';
import type { TokenResolution } from './tokens';

export const DEFAULT_PORT = 9470;

export interface ExporterOptions {
  readonly connections: readonly ConnectionConfig[];
  readonly tokens: ReadonlyMap<string, TokenResolution>;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly log: LogSink;
  readonly version: string;
  readonly clock?: Clock;
  readonly random?: () => number;
  /** Defaults to a client that follows HTTPS_PROXY / HTTP_PROXY / NO_PROXY. */
  readonly http?: HttpClient;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly onUpdate?: (connectionId: string) => void;
}

export interface Exporter {
  readonly url: string;
  readonly port: number;
  readonly poller: ExporterPoller;
  /** The body a scrape gets, without HTTP. */
  render(format: ExpositionFormat): string;
  close(): Promise<void>;
}

export async function startExporter(options: ExporterOptions): Promise<Exporter> {
  // Every token is masked in every line, whatever a server echoes back into an error.
  const log = new RedactingLog(options.log);
  for (const resolution of options.tokens.values()) log.addSecret(resolution.token);
  const ownHttp = options.http === undefined;
  const http = options.http ?? new HttpClient({ proxy: { env: options.env ?? process.env }, userAgent: `live-usage-exporter/${options.version}` });
  const poller = new ExporterPoller({
    connections: options.connections,
    tokens: options.tokens,
    http,
    log,
    clock: options.clock ?? systemClock,
    ...(options.random ? { random: options.random } : {}),
    ...(options.onUpdate ? { onUpdate: options.onUpdate } : {}),
  });
  let lastScrapeSeconds: number | undefined;
  const render = (format: ExpositionFormat): string => {
    const started = performance.now();
    const text = renderExposition(
      collectFamilies({
        connections: poller.connections,
        isUp: (connection) => poller.isUp(connection),
        ...(lastScrapeSeconds === undefined ? {} : { lastScrapeSeconds }),
        version: options.version,
      }),
      format,
    );
    lastScrapeSeconds = (performance.now() - started) / 1000;
    return text;
  };
  let server: MetricsServer;
  try {
    server = await startMetricsServer({
      host: options.host ?? '127.0.0.1',
      port: options.port ?? DEFAULT_PORT,
      render,
      health: () => {
        const up = poller.connections.filter((connection) => poller.isUp(connection)).length;
        return `ok: ${up} of ${poller.connections.length} connection(s) up`;
      },
      onError: (message) => log.error(message),
    });
  } catch (error) {
    poller.dispose();
    if (ownHttp) await http.close();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    port: server.port,
    poller,
    render,
    close() {
      closing ??= (async () => {
        poller.dispose();
        await server.close();
        if (ownHttp) await http.close();
      })();
      return closing;
    },
  };
}
