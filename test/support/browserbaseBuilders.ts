/**
 * Realistic Browserbase API bodies for unit tests, shaped like the documented responses (field names,
 * ISO timestamps, ids). Each builder takes overrides so a test states only what it is about.
 */
import type { Project, ProjectUsage, Session, SessionLiveURLs } from '../../src/providers/browserbase/schemas';

type Json = Record<string, unknown>;

export function bbProject(overrides: Json = {}): Project & Json {
  return {
    id: 'proj_8b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0',
    name: 'Scraping fleet',
    ownerId: 'org_1a2b3c',
    createdAt: '2025-01-14T09:12:44.120Z',
    updatedAt: '2025-06-02T17:03:10.981Z',
    defaultTimeout: 300,
    concurrency: 3,
    ...overrides,
  } as Project & Json;
}

export function bbUsage(overrides: Json = {}): ProjectUsage & Json {
  return { browserMinutes: 1342, proxyBytes: 73_400_320, ...overrides } as ProjectUsage & Json;
}

let sessionCounter = 0;

export function bbSession(overrides: Json = {}): Session & Json {
  sessionCounter++;
  const id = `8f3c1e2a-0b4d-4c5e-9f60-${String(sessionCounter).padStart(12, '0')}`;
  return {
    id,
    createdAt: '2025-06-02T10:00:00.000Z',
    updatedAt: '2025-06-02T10:05:00.000Z',
    projectId: 'proj_8b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0',
    startedAt: '2025-06-02T10:00:01.000Z',
    endedAt: '2025-06-02T10:05:00.000Z',
    expiresAt: '2025-06-02T10:05:01.000Z',
    status: 'COMPLETED',
    proxyBytes: 0,
    keepAlive: false,
    region: 'us-west-2',
    userMetadata: { client: 'acme', workflow: { name: 'checkout', step: '3' } },
    ...overrides,
  } as Session & Json;
}

/** A session still running: no endedAt. */
export function bbRunningSession(overrides: Json = {}): Session & Json {
  const session = bbSession({ status: 'RUNNING', keepAlive: true, ...overrides });
  if (!('endedAt' in overrides)) delete (session as Json).endedAt;
  return session;
}

export function bbCreatedSession(overrides: Json = {}): Session & Json {
  const session = bbRunningSession({
    connectUrl: 'wss://connect.usw2.browserbase.com/?signingKey=sk_live_abc',
    seleniumRemoteUrl: 'http://connect.usw2.browserbase.com/webdriver',
    signingKey: 'sk_live_abc',
    ...overrides,
  });
  return session;
}

export function bbLiveUrls(overrides: Json = {}): SessionLiveURLs & Json {
  return {
    debuggerFullscreenUrl: 'https://www.browserbase.com/devtools-fullscreen/inspector.html?wss=connect.browserbase.com/debug/abc',
    debuggerUrl: 'https://www.browserbase.com/devtools/inspector.html?wss=connect.browserbase.com/debug/abc',
    wsUrl: 'wss://connect.browserbase.com/debug/abc',
    pages: [
      {
        id: 'A1B2C3D4E5',
        url: 'https://example.com/checkout',
        title: 'Checkout',
        faviconUrl: 'https://example.com/favicon.ico',
        debuggerUrl: 'https://www.browserbase.com/devtools/inspector.html?wss=connect.browserbase.com/debug/abc/A1B2C3D4E5',
        debuggerFullscreenUrl: 'https://www.browserbase.com/devtools-fullscreen/inspector.html?wss=connect.browserbase.com/debug/abc/A1B2C3D4E5',
      },
    ],
    ...overrides,
  } as SessionLiveURLs & Json;
}

/**
 * Builds a `q` metadata query from a key path and a value, with the `\'` and `\\` escapes the
 * sandbox implements (Browserbase documents no escaping at all). Test-only: the extension's own
 * query builder lives with the UI.
 */
export function bbMetadataQuery(path: readonly string[], value: string): string {
  const quote = (text: string) => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
  return `user_metadata${path.map((key) => `[${quote(key)}]`).join('')}:${quote(value)}`;
}
