/**
 * Shapes of the Browserbase v1 REST API, mirrored from the reference (docs/provider-api-reference.md §2)
 * rather than imported from `@browserbasehq/sdk`, which is not a dependency. Objects strip unknown
 * keys, so fields Browserbase adds later do not break parsing; only what we read is required.
 */
import * as z from 'zod/mini';
import { lazy } from '../../shared/lazy';

const nonNegativeInt = lazy(() => z.int().check(z.gte(0)));
const nonNegativeNumber = lazy(() => z.number().check(z.gte(0)));

/** Any string `Date.parse` understands; durations are computed from these, so reject garbage early. */
const timestamp = lazy(() => z.string().check(z.refine((value) => !Number.isNaN(Date.parse(value)), 'expected a date-time string')));

/** `userMetadata` is the caller's JSON object, nested objects allowed; its values are not ours to type. */
const jsonObject = lazy(() => z.record(z.string(), z.unknown()));

export const ProjectSchema = lazy(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    /** Max concurrent sessions for this project: the number the 429 on create is about. */
    concurrency: nonNegativeInt(),
    ownerId: z.optional(z.string()),
    createdAt: z.optional(timestamp()),
    updatedAt: z.optional(timestamp()),
    /** Seconds, 60–21600; the session timeout used when create does not give one. */
    defaultTimeout: z.optional(nonNegativeInt()),
  }),
);
export type Project = z.infer<ReturnType<typeof ProjectSchema>>;

export const ProjectListSchema = lazy(() => z.array(ProjectSchema()));

export const ProjectUsageSchema = lazy(() =>
  z.object({
    browserMinutes: nonNegativeInt(),
    proxyBytes: nonNegativeInt(),
  }),
);
export type ProjectUsage = z.infer<ReturnType<typeof ProjectUsageSchema>>;

export const SessionSchema = lazy(() =>
  z.object({
    id: z.string(),
    projectId: z.string(),
    // Open string on purpose: an SDK once crashed on a status its enum did not list (TIMED_OUT), and
    // PENDING was added later; a new value must show up as text, not as a parse failure.
    status: z.string(),
    createdAt: timestamp(),
    updatedAt: timestamp(),
    // Documented as required, but third-party clients type these as nullable (PENDING sessions):
    // tolerate null/absent so one odd session does not hide the whole list.
    startedAt: z.nullish(timestamp()),
    expiresAt: z.nullish(timestamp()),
    endedAt: z.nullish(timestamp()),
    keepAlive: z.boolean(),
    region: z.string(),
    proxyBytes: nonNegativeInt(),
    contextId: z.nullish(z.string()),
    // Removed from the SDK types in 2.7.0 and undocumented in unit: kept, never charted.
    avgCpuUsage: z.nullish(nonNegativeNumber()),
    memoryUsage: z.nullish(nonNegativeNumber()),
    userMetadata: z.nullish(jsonObject()),
    // Present on a fetched session when it can still be connected to.
    connectUrl: z.nullish(z.string()),
    seleniumRemoteUrl: z.nullish(z.string()),
    signingKey: z.nullish(z.string()),
  }),
);
export type Session = z.infer<ReturnType<typeof SessionSchema>>;

export const SessionListSchema = lazy(() => z.array(SessionSchema()));

/** The 201 of create: the session plus what is needed to connect to it (all required). */
export const CreatedSessionSchema = lazy(() =>
  z.extend(SessionSchema(), {
    connectUrl: z.string(),
    seleniumRemoteUrl: z.string(),
    signingKey: z.string(),
  }),
);
export type CreatedSession = z.infer<ReturnType<typeof CreatedSessionSchema>>;

export const SessionLivePageSchema = lazy(() =>
  z.object({
    id: z.string(),
    url: z.string(),
    title: z.string(),
    faviconUrl: z.nullish(z.string()),
    debuggerUrl: z.string(),
    debuggerFullscreenUrl: z.string(),
  }),
);
export type SessionLivePage = z.infer<ReturnType<typeof SessionLivePageSchema>>;

export const SessionLiveURLsSchema = lazy(() =>
  z.object({
    debuggerFullscreenUrl: z.string(),
    debuggerUrl: z.string(),
    wsUrl: z.string(),
    // Older answers had no per-tab list; absent means "no tab URLs", not a broken response.
    pages: z.optional(z.array(SessionLivePageSchema())),
  }),
);
export type SessionLiveURLs = z.infer<ReturnType<typeof SessionLiveURLsSchema>>;

/** Statuses after which a session no longer runs or bills. Other values, known or not, may still run. */
export { FINISHED_SESSION_STATUSES } from '../../shared/usageByTag';

/** Regions documented for `region` on create; others are sent as given, since Browserbase adds regions. */
export const KNOWN_REGIONS = ['us-west-2', 'us-east-1', 'eu-central-1', 'ap-southeast-1'] as const;
