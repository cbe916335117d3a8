/**
 * Shapes of the Northflank v1 API calls the extension makes (docs/provider-api-reference.md §3).
 * Objects strip unknown keys, so only the fields we read can break parsing.
 */
import * as z from 'zod/mini';
import { lazy } from '../../shared/lazy';

const timestamp = lazy(() => z.string().check(z.refine((value) => !Number.isNaN(Date.parse(value)), 'expected a date-time string')));

export const MetricPointSchema = lazy(() =>
  z.object({
    // The official client types a value `string | number`; null is "no value". Each value is judged on
    // its own when normalized (metricValue), so one odd value never rejects the whole reading.
    value: z.optional(z.unknown()),
    ts: timestamp(),
  }),
);

export const MetricSeriesSchema = lazy(() =>
  z.object({
    metadata: z.object({
      containerId: z.string(),
      volumeId: z.nullish(z.string()),
    }),
    data: z.array(MetricPointSchema()),
  }),
);
export type MetricSeries = z.infer<ReturnType<typeof MetricSeriesSchema>>;

export const MetricEntrySchema = lazy(() =>
  z.object({
    metricInfo: z.object({
      metricId: z.optional(z.string()),
      // Open string: the unit table is not documented, so an unknown unit is carried, not rejected.
      metricUnit: z.string(),
      // Unit undocumented (probably seconds): kept for display, never used as a window length.
      metricResolution: z.nullish(z.number()),
    }),
    values: z.array(MetricSeriesSchema()),
  }),
);
export type MetricEntry = z.infer<ReturnType<typeof MetricEntrySchema>>;

/** Keyed by metric type (`cpu`, `memory`, …), one entry per requested type. */
export const MetricsResponseSchema = lazy(() =>
  z.object({
    data: z.record(z.string(), MetricEntrySchema()),
  }),
);
export type MetricsResponse = z.infer<ReturnType<typeof MetricsResponseSchema>>;

// Absent pagination is read as "single page": a picker showing what it got beats one showing nothing.
export const PaginationSchema = lazy(() =>
  z.object({
    hasNextPage: z.boolean(),
    cursor: z.nullish(z.string()),
    count: z.optional(z.number()),
  }),
);
export type Pagination = z.infer<ReturnType<typeof PaginationSchema>>;

export const NorthflankProjectSchema = lazy(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    description: z.nullish(z.string()),
  }),
);
export type NorthflankProject = z.infer<ReturnType<typeof NorthflankProjectSchema>>;

const statusPart = lazy(() =>
  z.optional(
    z.object({
      status: z.optional(z.string()),
      reason: z.optional(z.string()),
      lastTransitionTime: z.optional(z.string()),
    }),
  ),
);

export const NorthflankServiceSchema = lazy(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    appId: z.optional(z.string()),
    projectId: z.optional(z.string()),
    description: z.nullish(z.string()),
    serviceType: z.optional(z.string()),
    tags: z.optional(z.array(z.string())),
    disabledCI: z.optional(z.boolean()),
    disabledCD: z.optional(z.boolean()),
    status: z.optional(z.object({ build: statusPart(), deployment: statusPart() })),
  }),
);
export type NorthflankService = z.infer<ReturnType<typeof NorthflankServiceSchema>>;

export const ProjectsPageSchema = lazy(() =>
  z.object({
    data: z.object({ projects: z.array(NorthflankProjectSchema()) }),
    pagination: z.optional(PaginationSchema()),
  }),
);

export const ServicesPageSchema = lazy(() =>
  z.object({
    data: z.object({ services: z.array(NorthflankServiceSchema()) }),
    pagination: z.optional(PaginationSchema()),
  }),
);
