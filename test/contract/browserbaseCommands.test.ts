/**
 * The two Command Palette flows, run against the sandbox with a scripted stand-in for the `vscode`
 * window API: every prompt is answered in order, and what was shown (titles, items, validation
 * messages, clipboard, opened URLs) is checked.
 */
import assert from 'node:assert/strict';
import Module from 'node:module';
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import type { BrowserbaseCommandHandlers } from '../../src/commands/browserbaseCommands';
import { SavedQueries } from '../../src/browserbase/savedQueries';
import { BrowserbaseSessionService } from '../../src/browserbase/sessionService';
import { sessionHost } from '../../src/browserbase/sessionHost';
import { HttpClient } from '../../src/http/httpClient';
import type { ConnectionConfig } from '../../src/shared/connections';
import { testCommandHost } from '../support/commandHost';
import { ROOMY_TIMEOUTS } from '../support/faultMatrix';
import { useSandbox } from '../support/sandbox';

type Item = { label: string; description?: string; detail?: string; session?: { id: string }; buttons?: { tooltip?: string }[] };
interface Prompt {
  readonly kind: 'input' | 'pick' | 'info' | 'warning' | 'error' | 'save';
  readonly text?: string;
  readonly items?: readonly Item[];
  readonly options?: { title?: string; prompt?: string; validateInput?: (value: string) => string | undefined };
}
type Answer = (prompt: Prompt) => unknown;

/** The scripted window: each prompt takes the next answer; anything unscripted fails the test. */
const ui = {
  answers: [] as Answer[],
  shown: [] as Prompt[],
  clipboard: '',
  opened: [] as string[],
  written: new Map<string, string>(),
  picks: [] as FakeQuickPick[],
  next(prompt: Prompt): unknown {
    ui.shown.push(prompt);
    const answer = ui.answers.shift();
    assert.ok(answer, `unexpected ${prompt.kind}: ${prompt.text ?? prompt.options?.title ?? ''}`);
    return answer(prompt);
  },
};

class FakeQuickPick {
  title = '';
  placeholder = '';
  items: Item[] = [];
  selectedItems: Item[] = [];
  matchOnDescription = false;
  matchOnDetail = false;
  private accept: (() => unknown) | undefined;
  private button: ((event: { item: Item; button: { tooltip?: string } }) => unknown) | undefined;
  onDidAccept(listener: () => unknown): void {
    this.accept = listener;
  }
  onDidTriggerItemButton(listener: (event: { item: Item; button: { tooltip?: string } }) => unknown): void {
    this.button = listener;
  }
  onDidHide(): void {}
  show(): void {
    ui.picks.push(this);
  }
  hide(): void {}
  dispose(): void {}
  async choose(item: Item): Promise<void> {
    this.selectedItems = [item];
    await this.accept?.();
  }
  async press(item: Item, tooltip: string): Promise<void> {
    await this.button?.({ item, button: { tooltip } });
  }
}

const fakeVscode = {
  window: {
    showInputBox: async (options: Prompt['options']) => ui.next({ kind: 'input', options }),
    showQuickPick: async (items: readonly Item[], options: Prompt['options']) => ui.next({ kind: 'pick', items, options }),
    showInformationMessage: async (text: string, ...items: unknown[]) =>
      ui.next({ kind: 'info', text, items: items.map((label) => ({ label: String(label) })) }),
    showWarningMessage: async (text: string, options: unknown, ...items: unknown[]) =>
      ui.next({ kind: 'warning', text: `${text}\n${(options as { detail?: string }).detail ?? ''}`, items: items.map((label) => ({ label: String(label) })) }),
    showErrorMessage: async (text: string) => ui.next({ kind: 'error', text }),
    setStatusBarMessage: () => ({ dispose() {} }),
    withProgress: (_options: unknown, task: () => Promise<unknown>) => task(),
    createQuickPick: () => new FakeQuickPick(),
    showSaveDialog: async (options: { title?: string }) => ui.next({ kind: 'save', options }),
  },
  workspace: {
    workspaceFolders: undefined,
    fs: { writeFile: async (uri: { toString(): string }, bytes: Uint8Array) => void ui.written.set(uri.toString(), new TextDecoder().decode(bytes)) },
  },
  commands: { executeCommand: async () => undefined },
  env: {
    clipboard: { writeText: async (text: string) => void (ui.clipboard = text) },
    openExternal: async (uri: { toString(): string }) => void ui.opened.push(uri.toString()),
    language: 'en',
  },
  Uri: { parse: (text: string) => ({ toString: () => text }) },
  ThemeIcon: class {
    constructor(readonly id: string) {}
  },
  ProgressLocation: { Notification: 15 },
};

// The commands module imports `vscode`; hand it the stand-in before loading it.
const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const originalLoad = loader._load;
loader._load = function (request: string, ...rest: unknown[]) {
  return request === 'vscode' ? fakeVscode : originalLoad.call(this, request, ...rest);
};

const ctx = useSandbox({ port: 0 });
let http: HttpClient;
let handlers: BrowserbaseCommandHandlers;
let saved: SavedQueries;
const state = new Map<string, unknown>();

beforeEach(async () => {
  ui.answers = [];
  ui.shown = [];
  ui.picks = [];
  if (handlers) return;
  http = new HttpClient();
  const config: ConnectionConfig = {
    id: 'bb',
    kind: 'browserbase',
    label: 'Sandbox BB',
    baseUrl: ctx.sandbox.baseUrl('browserbase'),
    projectId: 'proj_sandbox',
  };
  const token = ctx.sandbox.tokens.browserbase;
  const service = new BrowserbaseSessionService(
    sessionHost({ connections: () => [config] }, { resolve: async () => ({ token }) }, http, { timeouts: ROOMY_TIMEOUTS }),
  );
  saved = new SavedQueries({ get: <T>(key: string) => state.get(key) as T | undefined, update: async (key, value) => void state.set(key, value) });
  const { browserbaseCommandHandlers } = await import('../../src/commands/browserbaseCommands');
  handlers = browserbaseCommandHandlers(testCommandHost({ sessions: service, savedQueries: saved }));
});
afterEach(() => assert.equal(ui.answers.length, 0, 'every scripted answer was used'));
after(async () => {
  loader._load = originalLoad;
  await http?.close();
});

const input =
  (value: string, check?: (prompt: Prompt) => void): Answer =>
  (prompt) => {
    check?.(prompt);
    const problem = prompt.options?.validateInput?.(value);
    assert.equal(problem, undefined, `"${value}" is accepted`);
    return value;
  };
/** Types values the box must refuse (with these messages), then one it accepts. */
const inputAfterRefusals =
  (refused: Record<string, RegExp>, value: string): Answer =>
  (prompt) => {
    for (const [text, message] of Object.entries(refused)) assert.match(prompt.options?.validateInput?.(text) ?? '', message, text);
    return input(value)(prompt);
  };
const saveAs =
  (path: string): Answer =>
  (prompt) => {
    assert.equal(prompt.kind, 'save');
    return { path, toString: () => path };
  };
const pick =
  (label: string | RegExp): Answer =>
  (prompt) => {
    const item = prompt.items?.find((candidate) => (typeof label === 'string' ? candidate.label === label : label.test(candidate.label)));
    assert.ok(item, `${String(label)} among ${prompt.items?.map((i) => i.label).join(', ')}`);
    return prompt.kind === 'pick' ? item : item.label;
  };

describe('Find Browserbase Sessions by Metadata…', () => {
  test('key, value, status; the sessions with usage in the title; copy an id; save the query', async () => {
    ui.answers = [
      inputAfterRefusals({ '': /Enter a key/, 'a..b': /Key part 2 of 3 is empty/, '[oops': /JSON array/ }, 'client'),
      inputAfterRefusals({ '': /Enter a value/ }, "o'reilly"),
      pick('Any status'),
    ];
    await handlers.find();
    const results = ui.picks.at(-1);
    assert.ok(results);
    assert.match(results.title, /^1 session\(s\) · \d+ browser min · .* proxy — client = "o'reilly"$/);
    assert.equal(results.placeholder, 'q: none — filtered locally');
    const sessionItems = results.items.filter((item) => item.session);
    assert.equal(sessionItems.length, 1);
    const [item] = sessionItems;
    assert.ok(item);
    assert.match(item.description ?? '', /^COMPLETED · [a-z0-9-]+ · /);
    assert.equal(item.detail, JSON.stringify({ client: "o'reilly", workflow: { name: 'search' } }));
    assert.deepEqual(
      item.buttons?.map((b) => b.tooltip),
      ['Copy ID', 'Copy Connect URL', 'Open Live Debugger'],
      'no release for a finished session',
    );

    ui.answers = [pick('Copy ID')];
    await results.choose(item);
    assert.equal(ui.clipboard, item.session?.id);

    ui.answers = [input("O'Reilly sessions")];
    await results.choose(results.items[0]!);
    assert.deepEqual(saved.list(), [{ name: "O'Reilly sessions", query: { conditions: [{ path: ['client'], value: "o'reilly" }] } }]);
  });

  test('a saved query runs without questions; two conditions and a status; usage by tag', async () => {
    ui.answers = [
      pick('$(add) New query…'),
      input('workflow > name'),
      input('checkout'),
      pick('$(add) Add another condition…'),
      input('env'),
      input('prod'),
      pick('COMPLETED'),
    ];
    await handlers.find();
    const results = ui.picks.at(-1)!;
    assert.equal(results.placeholder, "Sent q=user_metadata['workflow']['name']:'checkout'; 1 more condition(s) checked locally");
    assert.ok(results.items.filter((i) => i.session).length >= 2);
    ui.answers = [
      pick('client'),
      (prompt) => {
        assert.match(prompt.options?.title ?? '', /Usage by client/);
        assert.ok(prompt.items?.every((i) => /browser min · \d+ session\(s\) · /.test(i.description ?? '')));
        return undefined;
      },
    ];
    await results.choose(results.items.find((i) => i.label === '$(graph) Usage by tag…')!);

    ui.answers = [pick("O'Reilly sessions")];
    await handlers.find();
    assert.equal(ui.picks.at(-1)?.items.filter((i) => i.session).length, 1);
  });
});

describe('Launch Browserbase Session with Tags…', () => {
  test('tags, region, keep-alive, timeout, one confirmation; then copy its connect URL; find and release it', async () => {
    const marker = `cmd-${Date.now()}`;
    ui.answers = [
      input('run > id'),
      input(marker),
      input('client'),
      inputAfterRefusals({ ['x'.repeat(600)]: /fewer than 512/ }, "o'reilly & co"),
      input(''),
      pick('eu-central-1'),
      pick('Keep alive'),
      inputAfterRefusals({ '10': /whole number from 60 to 21600/, abc: /whole number/ }, '600'),
      (prompt) => {
        assert.equal(prompt.kind, 'warning');
        assert.match(prompt.text ?? '', /Start a billed Browserbase browser on Sandbox BB\?/);
        assert.match(prompt.text ?? '', /"run":\{"id":"cmd-/);
        assert.match(prompt.text ?? '', /at least one minute, and a keep-alive browser runs until you release it/);
        assert.match(prompt.text ?? '', /\nHeadroom: 1 of 3 concurrent sessions running: room for 2 more\.\n/, 'the headroom, read before confirming');
        assert.doesNotMatch(prompt.text ?? '', /Warning/);
        return 'Start Session';
      },
      (prompt) => {
        assert.match(prompt.text ?? '', /^Started Browserbase session [0-9a-f-]+ \(eu-central-1\)\.$/);
        return 'Copy Connect URL';
      },
    ];
    await handlers.launch();
    assert.match(ui.clipboard, /^ws:\/\/127\.0\.0\.1:\d+\/browserbase\/connect/);

    ui.answers = [pick('$(add) New query…'), input('run.id'), input(marker), pick('RUNNING')];
    await handlers.find();
    const results = ui.picks.at(-1)!;
    const item = results.items.find((i) => i.session)!;
    assert.deepEqual(
      item.buttons?.map((b) => b.tooltip),
      ['Copy ID', 'Copy Connect URL', 'Open Live Debugger', 'Release…'],
    );
    await results.press(item, 'Open Live Debugger');
    assert.match(ui.opened.at(-1) ?? '', /\/browserbase\/devtools\/.+\/fullscreen$/);
    ui.answers = [pick('Release'), (prompt) => assert.match(prompt.text ?? '', /released \(COMPLETED\)/)];
    await results.press(item, 'Release…');
  });

  test('at the limit the confirmation warns of the 429 first; on 429 the error names the limit', async () => {
    ctx.sandbox.setState({ browserbase: { concurrency: 1 } });
    try {
      ui.answers = [
        input(''),
        pick('us-west-2'),
        pick('No'),
        input(''),
        (prompt) => {
          // Warned, not blocked: the person may still start it (a session may end meanwhile).
          assert.match(
            prompt.text ?? '',
            /\nWarning: Browserbase will most likely refuse this launch with HTTP 429: the project already runs 1 of its 1 concurrent sessions\. Release one first, e\.g\. [0-9a-f-]{36} \(running for .+, keep-alive\)\.\nHeadroom: 1 of 1 concurrent session running: no room\./,
          );
          return 'Start Session';
        },
        (prompt) => {
          assert.equal(prompt.kind, 'error');
          assert.match(prompt.text ?? '', /Sandbox BB: .*the plan's concurrency limit is reached.*This project allows 1 concurrent session\./);
        },
      ];
      await handlers.launch();
    } finally {
      ctx.sandbox.setState({ browserbase: { concurrency: 3 } });
    }
  });
});

describe('Browserbase Cost per Tag This Cycle…', () => {
  test('pick a key; each value with billed minutes, share and projection; export the same list as CSV', async () => {
    let titles: string[] = [];
    ui.answers = [
      pick('client'),
      (prompt) => {
        titles = [prompt.options?.title ?? ''];
        const values = prompt.items?.slice(1) ?? [];
        assert.equal(prompt.items?.[0]?.label, '$(save) Export CSV…');
        assert.ok(values.some((item) => item.label === 'acme'));
        for (const item of values) assert.match(item.description ?? '', /^\d+ billed min · [\d.]+ %( · about \d[\d,]* min by \w+ \w+)?$/);
        return prompt.items?.[0];
      },
      saveAs('/tmp/cost.csv'),
    ];
    await handlers.costPerTag();
    assert.match(titles[0] ?? '', /^Sandbox BB: [\d,]+ billed min this cycle \(.+\) by client/);
    const csv = ui.written.get('/tmp/cost.csv') ?? '';
    assert.match(csv, /^tag key,tag value,tagged,sessions,billed minutes,/);
    assert.ok(csv.split('\r\n').some((line) => line.startsWith('client,acme,yes,')));
  });
});
