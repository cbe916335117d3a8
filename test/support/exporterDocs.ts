/** What docs/exporter/ ships, read for the tests that keep it true. */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const EXPORTER_DOCS = path.resolve(__dirname, '../../docs/exporter');

export function readExporterDoc(name: string): string {
  return readFileSync(path.join(EXPORTER_DOCS, name), 'utf8');
}

/** Every PromQL expression of the starter dashboard, with the connection variable as Grafana's "All" sends it. */
export function dashboardQueries(): string[] {
  const dashboard = JSON.parse(readExporterDoc('grafana-dashboard.json')) as { panels: { targets?: { expr: string }[] }[] };
  return dashboard.panels.flatMap((panel) => panel.targets ?? []).map((target) => target.expr.replaceAll('$connection', '.+'));
}
