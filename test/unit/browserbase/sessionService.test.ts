/**
 * The session service's own rules, with a scripted client: the launch guard (one browser per double
 * click, a different launch refused while one starts), checks before any request, local filtering,
 * and saved queries in a fake globalState.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ProviderError } from '../../../src/http/errors';
import type { BrowserbaseClient } from '../../../src/providers/browserbase/client';
import type { Session } from '../../../src/providers/browserbase/schemas';
import { SavedQueries } from '../../../src/browserbase/savedQueries';
import { BrowserbaseSessionService, type SessionHost } from '../../../src/browserbase/sessionService';
import { serializeQuery } from '../../../src/shared/metadataQuery';
import { bbCreatedSession, bbSession } from '../../support/browserbaseBuilders';

function rig(options: { listed?: Session[]; createDelayMs?: number } = {}) {
  const calls: { method: string; arg: unknown }[] = [];
  let clock = 1_000_000;
  let created = 0;
  const client = {
    listSessions: async (filter: unknown) => {
      calls.push({ method: 'list', arg: filter });
      return { fetchedAt: clock, samples: [], sessions: options.listed ?? [] };
    },
    createSession: async (params: unknown) => {
      calls.push({ method: 'create', arg: params });
      await new Promise((resolve) => setTimeout(resolve, options.createDelayMs ?? 5));
      created++;
      return { fetchedAt: clock, samples: [], session: bbCreatedSession({ id: `created-${created}` }) };
    },
  } as unknown as BrowserbaseClient;
  const host: SessionHost = {
    connections: () => [
      { id: 'bb', kind: 'browserbase', label: 'BB', baseUrl: 'https://bb.example', projectId: 'proj_a' },
      { id: 'other', kind: 'prometheus', label: 'P', baseUrl: 'https://p.example' },
    ],
    token: async () => 'bb_live_key',
    client: () => client,
    now: () => clock,
  };
  return { service: new BrowserbaseSessionService(host), calls, advance: (ms: number) => (clock += ms) };
}

const tags = [{ path: ['client'], value: 'acme' }];

describe('launch guard', () => {
  test('a double click starts one session; both callers get it', async () => {
    const { service, calls } = rig();
    const [a, b] = await Promise.all([service.launch('bb', { tags }), service.launch('bb', { tags })]);
    assert.equal(a.session.id, b.session.id);
    assert.deepEqual([a.reused, b.reused], [false, true]);
    assert.equal(calls.filter((c) => c.method === 'create').length, 1);
  });

  test('the same request right after it finished is still the double click; two seconds later it is a new session', async () => {
    const { service, calls, advance } = rig();
    const first = await service.launch('bb', { tags });
    advance(1500);
    assert.equal((await service.launch('bb', { tags })).session.id, first.session.id);
    advance(600);
    const third = await service.launch('bb', { tags });
    assert.notEqual(third.session.id, first.session.id);
    assert.equal(calls.filter((c) => c.method === 'create').length, 2);
  });

  test('a different launch while one starts is refused, not merged', async () => {
    const { service, calls } = rig({ createDelayMs: 30 });
    const first = service.launch('bb', { tags });
    await assert.rejects(service.launch('bb', { tags: [{ path: ['client'], value: 'globex' }] }), /Another session is being launched/);
    await first;
    assert.equal(calls.filter((c) => c.method === 'create').length, 1);
  });

  test('refusals happen before any request, with the reason', async () => {
    const { service, calls } = rig();
    await assert.rejects(service.launch('bb', { tags: [{ path: ['note'], value: 'x'.repeat(520) }] }), /Session not launched: No session can carry this tag/);
    await assert.rejects(
      service.launch('bb', {
        tags: [
          { path: ['a'], value: 'x' },
          { path: ['a', 'b'], value: 'y' },
        ],
      }),
      /contradict/,
    );
    await assert.rejects(service.launch('bb', { tags, timeout: 10 }), /timeout must be a whole number of seconds from 60/);
    const many = Array.from({ length: 40 }, (_, i) => ({ path: [`key${i}`], value: 'value-value' }));
    await assert.rejects(service.launch('bb', { tags: many }), /userMetadata is \d+ characters as JSON; Browserbase requires fewer than 512/);
    assert.equal(calls.length, 0);
    // A refused launch does not block the next one.
    await service.launch('bb', { tags });
  });
});

describe('find', () => {
  test('sends one safe condition and the status, then keeps exact matches of this project only', async () => {
    const mine = bbSession({ projectId: 'proj_a', status: 'RUNNING', userMetadata: { client: "o'reilly", env: 'prod' } });
    const listed = [
      mine,
      bbSession({ projectId: 'proj_a', status: 'RUNNING', userMetadata: { client: 'oreilly', env: 'prod' } }),
      bbSession({ projectId: 'proj_b', status: 'RUNNING', userMetadata: { client: "o'reilly", env: 'prod' } }),
      bbSession({ projectId: 'proj_a', status: 'COMPLETED', userMetadata: { client: "o'reilly", env: 'prod' } }),
    ];
    const { service, calls } = rig({ listed });
    const found = await service.find('bb', {
      conditions: [
        { path: ['client'], value: "o'reilly" },
        { path: ['env'], value: 'prod' },
      ],
      status: 'RUNNING',
    });
    assert.deepEqual(calls, [{ method: 'list', arg: { q: "user_metadata['env']:'prod'", status: 'RUNNING' } }]);
    assert.deepEqual(
      found.sessions.map((s) => s.id),
      [mine.id],
    );
    assert.equal(found.returned, 4);
  });

  test('an invalid query or unknown connection fails without a request', async () => {
    const { service, calls } = rig();
    await assert.rejects(service.find('bb', { conditions: [{ path: ['a'], value: '' }] }), (error: ProviderError) => error.kind === 'request');
    await assert.rejects(service.find('other', { conditions: [] }), /No Browserbase connection "other"/);
    assert.equal(calls.length, 0);
  });
});

describe('saved queries', () => {
  test('save, replace by name, remove; entries that do not parse are skipped', async () => {
    const state = new Map<string, unknown>();
    const storage = { get: <T>(key: string) => state.get(key) as T | undefined, update: async (key: string, value: unknown) => void state.set(key, value) };
    const saved = new SavedQueries(storage);
    assert.deepEqual(saved.list(), []);
    const oreilly = { name: "O'Reilly runs", query: { conditions: [{ path: ['client'], value: "o'reilly" }] } };
    await saved.save(oreilly);
    await saved.save({ name: 'running', query: { conditions: [], status: 'RUNNING' } });
    await saved.save({ ...oreilly, query: { conditions: [{ path: ['client'], value: "o'reilly" }], status: 'ERROR' } });
    assert.deepEqual(
      saved.list().map((q) => [q.name, q.query.status]),
      [
        ['running', 'RUNNING'],
        ["O'Reilly runs", 'ERROR'],
      ],
    );
    state.set('liveUsage.browserbase.savedQueries', [
      ...(state.get('liveUsage.browserbase.savedQueries') as string[]),
      '{"name":"broken"}',
      42,
      serializeQuery(oreilly),
    ]);
    assert.deepEqual(
      saved.list().map((q) => q.name),
      ['running', "O'Reilly runs", "O'Reilly runs"],
    );
    await saved.remove("O'Reilly runs");
    assert.deepEqual(
      saved.list().map((q) => q.name),
      ['running'],
    );
  });
});
