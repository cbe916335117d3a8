// Types of scripts/prometheus.mjs for the TypeScript tests that start a real Prometheus.
export interface PrometheusServer {
  readonly url: string;
  readonly pid: number;
  output(): string;
  stop(): Promise<void>;
}
export function findPrometheus(): string | undefined;
export const MISSING_PROMETHEUS: string;
export function startPrometheus(options: {
  readonly targets: readonly string[];
  readonly scrapeIntervalSeconds?: number;
  readonly readyTimeoutMs?: number;
}): Promise<PrometheusServer>;
