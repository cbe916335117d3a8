/** Realistic Northflank API bodies for unit tests, shaped like the documented responses. */

type Json = Record<string, unknown>;

export interface PointSpec {
  readonly value: number | null;
  readonly ts: string;
}

export function nfSeries(containerId: string, points: readonly PointSpec[], volumeId?: string): Json {
  return { metadata: { containerId, ...(volumeId ? { volumeId } : {}) }, data: points.map((p) => ({ value: p.value, ts: p.ts })) };
}

export function nfMetric(metricId: string, metricUnit: string, series: readonly Json[], metricResolution = 10): Json {
  return { metricInfo: { metricId, metricUnit, metricResolution }, values: series };
}

/** `{ data: { cpu: …, memory: … } }` from [metricType, entry] pairs. */
export function nfMetricsBody(entries: Readonly<Record<string, Json>>): Json {
  return { data: { ...entries } };
}

/** A two-container service over two points, the shape the dashboard charts. */
export function nfTypicalMetrics(): Json {
  const t0 = '2025-06-02T10:00:00.000Z';
  const t1 = '2025-06-02T10:00:10.000Z';
  return nfMetricsBody({
    cpu: nfMetric('cpu', 'vCPU', [
      nfSeries('api-6f8d9c7b5-x2k4p', [
        { value: 0.12, ts: t0 },
        { value: 0.18, ts: t1 },
      ]),
      nfSeries('api-6f8d9c7b5-q7m1z', [
        { value: 0.09, ts: t0 },
        { value: null, ts: t1 },
      ]),
    ]),
    memory: nfMetric('memory', 'mb', [
      nfSeries('api-6f8d9c7b5-x2k4p', [
        { value: 212.5, ts: t0 },
        { value: 214, ts: t1 },
      ]),
      nfSeries('api-6f8d9c7b5-q7m1z', [
        { value: 198, ts: t0 },
        { value: 199.25, ts: t1 },
      ]),
    ]),
    diskUsage: nfMetric('diskUsage', 'pct', [nfSeries('api-6f8d9c7b5-x2k4p', [{ value: 41.7, ts: t0 }], 'vol-data-01')]),
  });
}

export function nfProject(index: number, overrides: Json = {}): Json {
  return { id: `project-${index}`, name: `Project ${index}`, description: `Project number ${index}`, ...overrides };
}

export function nfService(index: number, overrides: Json = {}): Json {
  return {
    id: `svc-${index}`,
    appId: `/team-x/sandbox-project/svc-${index}`,
    projectId: 'sandbox-project',
    name: `Service ${index}`,
    description: 'A deployment service',
    serviceType: 'deployment',
    disabledCI: false,
    disabledCD: false,
    status: { deployment: { status: 'COMPLETED', reason: 'DEPLOYING', lastTransitionTime: '2025-06-01T08:00:00.000Z' } },
    ...overrides,
  };
}

export function nfPage(key: 'projects' | 'services', items: readonly Json[], pagination: { hasNextPage: boolean; cursor?: string } | undefined): Json {
  return { data: { [key]: items }, ...(pagination ? { pagination: { ...pagination, count: items.length } } : {}) };
}
