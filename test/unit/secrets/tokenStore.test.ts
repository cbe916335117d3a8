import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RedactingLog, type LogSink } from '../../../src/log';
import { secretKey, SecretStorageUnavailableError, TokenStore, type SecretBackend } from '../../../src/secrets/tokenStore';

function memoryBackend(): SecretBackend & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    get: async (key) => data.get(key),
    store: async (key, value) => void data.set(key, value),
    delete: async (key) => void data.delete(key),
  };
}

describe('TokenStore', () => {
  test('stored token wins over the environment', async () => {
    const backend = memoryBackend();
    const store = new TokenStore(backend, { BROWSERBASE_API_KEY: 'env-key' });
    assert.deepEqual(await store.resolve('bb', 'browserbase'), { token: 'env-key', source: 'environment', variable: 'BROWSERBASE_API_KEY' });
    await store.set('bb', '  stored-key  ');
    assert.equal(backend.data.get(secretKey('bb')), 'stored-key');
    assert.deepEqual(await store.resolve('bb', 'browserbase'), { token: 'stored-key', source: 'secretStorage' });
    await store.clear('bb');
    assert.equal((await store.resolve('bb', 'browserbase')).source, 'environment');
  });

  test('no token anywhere', async () => {
    assert.deepEqual(await new TokenStore(memoryBackend(), {}).resolve('p', 'prometheus'), { source: 'none' });
  });

  test('an empty token is refused', async () => {
    await assert.rejects(new TokenStore(memoryBackend(), {}).set('x', '   '), /empty/);
  });

  test('a failing keyring becomes a message that says how to fix it', async () => {
    const broken: SecretBackend = {
      get: async () => {
        throw new Error('Cannot create an item in a locked collection');
      },
      store: async () => {
        throw new Error('no keyring');
      },
      delete: async () => undefined,
    };
    const store = new TokenStore(broken, {});
    await assert.rejects(store.resolve('x', 'browserless'), (error: unknown) => {
      assert.ok(error instanceof SecretStorageUnavailableError);
      assert.match(error.message, /keyring/);
      assert.match(error.message, /password-store/);
      return true;
    });
    await assert.rejects(store.set('x', 'token'), SecretStorageUnavailableError);
  });

  test('secret change keys map back to connection ids', () => {
    assert.equal(TokenStore.connectionIdOfKey(secretKey('prod')), 'prod');
    assert.equal(TokenStore.connectionIdOfKey('other.extension.key'), undefined);
  });
});

describe('RedactingLog', () => {
  test('no registered token reaches the sink', () => {
    const lines: string[] = [];
    const sink: LogSink = { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m), debug: (m) => lines.push(m) };
    const log = new RedactingLog(sink);
    log.addSecret('sk-very-secret');
    log.info('GET https://h/x?token=sk-very-secret');
    log.error('server said sk-very-secret is wrong');
    log.warn(`basic ${Buffer.from('sk-very-secret:').toString('base64')}`);
    assert.equal(lines.length, 3);
    for (const line of lines) assert.ok(!line.includes('sk-very-secret') && !line.includes(Buffer.from('sk-very-secret:').toString('base64')), line);
  });
});
