/**
 * The palette flows and the tools' bodies as they ship: dist/palette.js built with the project's own
 * host bundle options into a temp folder and loaded as the extension loads it. It must carry no state
 * of its own: a token the main bundle's log knows is masked in what a flow shows and in what a tool
 * answers, and a ProviderError made by the main bundle's class is still recognised (the check runs in
 * the main bundle).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as esbuild from 'esbuild';
import { hostBuildOptions, hostBundleProblems, inputsOf } from '../../../scripts/hostBundles.mjs';
import type { CommandHost } from '../../../src/commands/commandHost';
import type { ConnectionController } from '../../../src/commands/connectionCommands';
import type * as PaletteModule from '../../../src/commands/palette';
import { ProviderError } from '../../../src/http/errors';
import { PALETTE_COMMAND_IDS } from '../../../src/commands/lazyCommands';
import { RedactingLog } from '../../../src/log';
import type { ConnectionConfig } from '../../../src/shared/connections';
import { testCommandHost } from '../../support/commandHost';

const root = path.join(__dirname, '../../..');
const TOKEN = 'bb_live_Secret/Token+42';
const CONFIG: ConnectionConfig = { id: 'bb', kind: 'browserbase', label: 'Team BB', baseUrl: 'https://api.browserbase.com', projectId: 'proj' };

const shown: { text: string; actions: string[] }[] = [];
const fakeVscode = {
  window: {
    showErrorMessage: async (text: string, ...actions: string[]) => void shown.push({ text, actions }),
    showInformationMessage: async (text: string, ...actions: string[]) => void shown.push({ text, actions }),
    withProgress: (_options: unknown, task: () => Promise<unknown>) => task(),
  },
  commands: { executeCommand: async () => undefined },
  ProgressLocation: { Notification: 15 },
  // The few API classes the tools' bodies build their answers with.
  LanguageModelTextPart: class {
    constructor(readonly value: string) {}
  },
  LanguageModelToolResult: class {
    constructor(readonly content: { value: string }[]) {}
  },
  MarkdownString: class {
    value = '';
    appendText(text: string) {
      this.value += text;
      return this;
    }
    appendMarkdown(text: string) {
      this.value += text;
      return this;
    }
  },
};

let folder: string;
let metafile: esbuild.Metafile;
let palette: typeof PaletteModule;
const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const originalLoad = loader._load;

before(async () => {
  folder = mkdtempSync(path.join(tmpdir(), 'live-usage-palette-'));
  const options = hostBuildOptions({ production: true, outdir: folder });
  const entryPoints = Object.fromEntries(Object.entries(options.entryPoints as Record<string, string>).map(([name, file]) => [name, path.join(root, file)]));
  const result = await esbuild.build({ ...options, entryPoints, absWorkingDir: root });
  if (!result.metafile) throw new Error('esbuild wrote no metafile');
  metafile = result.metafile;
  loader._load = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? fakeVscode : originalLoad.call(this, request, ...rest);
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  palette = require(path.join(folder, 'palette.js')) as typeof PaletteModule;
});
after(() => {
  loader._load = originalLoad;
  rmSync(folder, { recursive: true, force: true });
});

function controllerFailingWith(error: Error): ConnectionController {
  return {
    connections: () => [CONFIG],
    test: async () => Promise.reject(error),
    listChoices: async () => undefined,
    refresh: () => undefined,
    tokenChanged: () => undefined,
    removeHistory: async () => undefined,
  };
}

describe('the palette bundle', () => {
  test('carries only its flows and pure helpers: no log, redaction, error class, token store or schema library', () => {
    assert.deepEqual(hostBundleProblems(metafile), []);
    const carried = Object.keys(inputsOf(metafile, 'src/commands/palette.ts'));
    for (const stateful of ['src/log.ts', 'src/http/redact.ts', 'src/http/errors.ts', 'src/secrets/tokenStore.ts', 'src/connections/connectionSettings.ts'])
      assert.ok(!carried.includes(stateful), `${stateful} is in dist/palette.js`);
    assert.ok(!carried.some((input) => input.startsWith('node_modules/')), 'a package is in dist/palette.js');
    const main = Object.keys(inputsOf(metafile, 'src/extension.ts'));
    assert.ok(
      !main.includes('src/commands/connectionCommands.ts') && !main.includes('src/commands/browserbaseCommands.ts'),
      'the flows are in dist/extension.js',
    );
    for (const body of ['src/tools/toolInvocations.ts', 'src/tools/browserbaseTools.ts', 'src/tools/usageReport.ts', 'src/commands/costPerTagCommand.ts']) {
      assert.ok(carried.includes(body), `${body} is not in dist/palette.js`);
      assert.ok(!main.includes(body), `${body} is in dist/extension.js`);
    }
    assert.ok(main.includes('src/tools/languageModelTools.ts'), 'the tools are not registered from dist/extension.js');
  });

  test('the build refuses a palette bundle with state of its own, and a main bundle with a flow in it', () => {
    const output = (entryPoint: string, inputs: string[]) => ({
      bytes: 1,
      imports: [],
      exports: [],
      entryPoint,
      inputs: Object.fromEntries(inputs.map((input) => [input, { bytesInOutput: 1 }])),
    });
    const broken: esbuild.Metafile = {
      inputs: {},
      outputs: {
        'dist/palette.js': output('src/commands/palette.ts', ['src/commands/palette.ts', 'src/log.ts', 'node_modules/zod/v4/core/core.js']),
        'dist/extension.js': output('src/extension.ts', ['src/extension.ts', 'src/commands/connectionCommands.ts']),
      },
    };
    const problems = hostBundleProblems(broken);
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.match(problems[0] ?? '', /dist\/palette\.js must not carry src\/log\.ts/);
    assert.match(problems[1] ?? '', /node_modules\/zod/);
    assert.match(problems[2] ?? '', /dist\/extension\.js must not carry src\/commands\/connectionCommands\.ts/);
  });

  test('handles every command the main bundle forwards to it', () => {
    assert.deepEqual(Object.keys(palette.paletteCommandHandlers(testCommandHost({}))).sort(), [...PALETTE_COMMAND_IDS].sort());
  });

  test('a token registered with the main log is masked in the failure Test Connection shows', async () => {
    shown.length = 0;
    const log = new RedactingLog({ info() {}, warn() {}, error() {}, debug() {} });
    log.addSecret(TOKEN);
    const echoed = new Error(`the server said: bad token ${encodeURIComponent(TOKEN)} (${TOKEN})`);
    const tokens = { resolve: async () => ({ token: TOKEN, source: 'secretStorage' as const }), set: async () => undefined, clear: async () => undefined };
    const handlers = palette.paletteCommandHandlers(testCommandHost({ controller: controllerFailingWith(echoed), tokens }, log));
    await (handlers['liveUsage.testConnection'] as (id: string) => Promise<void>)('bb');
    assert.equal(shown.length, 1);
    assert.ok(!shown[0]?.text.includes('Secret') && !shown[0]?.text.includes('Token+42'), shown[0]?.text);
    assert.match(shown[0]?.text ?? '', /^Team BB: the server said: bad token \[redacted\] \(\[redacted\]\)$/);
    assert.deepEqual(shown[0]?.actions, []);
  });

  test("the main bundle's ProviderError of kind auth still offers Set Token", async () => {
    shown.length = 0;
    const refused = new ProviderError('auth', 'Browserbase refused the token (HTTP 401)', { status: 401 });
    const tokens = { resolve: async () => ({ source: 'none' as const }), set: async () => undefined, clear: async () => undefined };
    const handlers = palette.paletteCommandHandlers(testCommandHost({ controller: controllerFailingWith(refused), tokens }));
    await (handlers['liveUsage.testConnection'] as (id: string) => Promise<void>)('bb');
    assert.deepEqual(shown, [{ text: 'Team BB: Browserbase refused the token (HTTP 401)', actions: ['Set Token…'] }]);
  });
});

describe("the tools' bodies in the palette bundle", () => {
  const SESSION_ID = '0b6c6f2e-6b0e-4c6e-9d3e-1b2c3d4e5f60';
  const STORED = 'bb_live_Stored+Key/99';
  const echoing = (metadata: Record<string, string>, failure?: string) =>
    ({
      find: async () => {
        if (failure) throw new Error(failure);
        return {
          sessions: [
            {
              id: SESSION_ID,
              status: 'COMPLETED',
              region: 'us-west-2',
              keepAlive: false,
              startedAt: '2025-11-15T10:00:00.000Z',
              endedAt: '2025-11-15T10:02:00.000Z',
              proxyBytes: 0,
              userMetadata: metadata,
            },
          ],
          plan: { q: "user_metadata['client']:'acme'", localConditions: [] },
        };
      },
    }) as unknown as CommandHost['sessions'];
  const hostWith = (sessions: CommandHost['sessions'], log: RedactingLog) =>
    testCommandHost(
      {
        controller: controllerFailingWith(new Error('not used')),
        tokens: { resolve: async () => ({ token: STORED, source: 'secretStorage' as const }), set: async () => undefined, clear: async () => undefined },
        sessions,
      },
      log,
    );
  const find = (host: CommandHost) =>
    palette
      .paletteToolInvocations(host)
      .liveUsage_findBrowserbaseSessions.invoke(
        { input: { conditions: [{ key: 'client', value: 'acme' }] } } as never,
        { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) } as never,
      );

  test('a token registered with the main log, echoed by the server, is masked in what the find tool answers', async () => {
    const log = new RedactingLog({ info() {}, warn() {}, error() {}, debug() {} });
    log.addSecret(TOKEN);
    const answer = (await find(hostWith(echoing({ client: 'acme', note: `key ${TOKEN}` }), log))) as unknown as { content: { value: string }[] };
    const text = answer.content.map((part) => part.value).join('');
    assert.ok(!text.includes(TOKEN) && !text.includes('Token+42'), text);
    assert.match(text, /"note": "key \[redacted\]"/);
    assert.match(text, new RegExp(`"sessionId": "${SESSION_ID}"`));
  });

  test("a token the log has not seen yet, but a connection resolves to, is masked in a tool's failure", async () => {
    const log = new RedactingLog({ info() {}, warn() {}, error() {}, debug() {} });
    log.addSecret(TOKEN);
    await assert.rejects(find(hostWith(echoing({}, `the server said: ${STORED} and ${TOKEN}`), log)), (error: Error) => {
      assert.equal(error.message, 'the server said: [redacted] and [redacted]');
      return true;
    });
  });
});
