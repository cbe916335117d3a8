/**
 * Pure rendering of the one status bar item from connection snapshots: compact text, Markdown tooltip,
 * accessibility sentence and background. No `vscode`; the item wrapper assigns the strings and maps
 * the background to `statusBarItem.warningBackground`/`errorBackground`. The tooltip's command links
 * only work when the host marks the MarkdownString trusted for these commands.
 */
import { PROVIDER_ABBREVIATIONS, PROVIDER_NAMES, descriptorOfKind } from '../providers/registry';
import { describeQuota, figureInWords, quotaHeadline, quotaPercent } from '../quota/describeQuota';
import { levelRank, worseLevel } from '../quota/evaluateQuotas';
import type { ProviderKind } from '../shared/connections';
import { figureCompact } from '../shared/figures';
import type { ConnectionSnapshot, Figure, QuotaLevel, QuotaStatus } from '../shared/snapshot';
import { formatDay, formatNumber, formatPercent, formatRelativeTime, type FormatOptions } from './format';
import { escapeMarkdown } from './markdown';
import { runawayTooltip, runawaysSpoken } from './runawayTooltip';

export { escapeMarkdown } from './markdown';
export {
  formatBytes,
  formatClockTime,
  formatCompactNumber,
  formatDay,
  formatDuration,
  formatNumber,
  formatPercent,
  formatRelativeTime,
  formatUnitValue,
} from './format';

export interface StatusBarOptions {
  readonly now: number;
  /** How many connections get figures in the text; the rest are counted ("+2"). Default 2. */
  readonly maxInText?: number;
  readonly locale?: string;
  /** IANA zone for dates in the tooltip (default the machine's). */
  readonly timeZone?: string;
}

export interface StatusBarView {
  readonly text: string;
  readonly tooltipMarkdown: string;
  readonly accessibilityLabel: string;
  /** Only past a quota threshold; a failing fetch shows an icon instead, since it is not the user's usage. */
  readonly background: 'warning' | 'error' | undefined;
}

export const STATUS_BAR_COMMANDS = {
  refresh: 'liveUsage.refresh',
  openPanel: 'liveUsage.openPanel',
  showLog: 'liveUsage.showLog',
  addConnection: 'liveUsage.addConnection',
} as const;

const TITLE = 'Live Usage';
const DEFAULT_MAX_IN_TEXT = 2;
/** Error messages are already redacted upstream; this only keeps one from filling the hover. */
const MAX_MESSAGE_CHARS = 160;
const MAX_LABEL_IN_TEXT = 16;

const ABBREVIATIONS: Readonly<Record<ProviderKind, string>> = PROVIDER_ABBREVIATIONS;

/** Status bar text renders `$(name)` as an icon; a label must not, so its `$(` is escaped the way VS Code's own escapeIcons does. */
export function escapeStatusBarText(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/\$\(/g, '\\$(');
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function snapshotLevel(snapshot: ConnectionSnapshot): QuotaLevel {
  return snapshot.quotas.reduce<QuotaLevel>((worst, quota) => worseLevel(worst, quota.level), snapshot.level);
}

function needsAttention(snapshot: ConnectionSnapshot): boolean {
  return snapshot.health === 'error' || snapshot.health === 'authNeeded';
}

/** The one or two figures a user glances at, per provider, in three registers. */
interface Figures {
  /** For the status bar text: "3/10 sessions (2 queued)". Empty when there is nothing to show. */
  readonly compact: string;
  /** For the tooltip: "3 of 10 concurrent sessions running, 2 of 10 queue places taken, …". */
  readonly values: string;
  /** For screen readers: "3 of 10 concurrent sessions running". */
  readonly spoken: string;
}

const NO_FIGURES: Figures = { compact: '', values: '', spoken: '' };

/** The figure the status bar shows: the one at the worst level (the worst share of its limit first), else the descriptor's own. */
export function statusFigure(snapshot: Pick<ConnectionSnapshot, 'kind' | 'figures'>): Figure | undefined {
  let worst: Figure | undefined;
  for (const figure of snapshot.figures) {
    if (figure.level === 'ok') continue;
    if (!worst || levelRank(figure.level) > levelRank(worst.level) || (figure.level === worst.level && (figure.ratio ?? -1) > (worst.ratio ?? -1)))
      worst = figure;
  }
  if (worst) return worst;
  const preferred = descriptorOfKind(snapshot.kind).statusBar.figure;
  return snapshot.figures.find((figure) => figure.id === preferred) ?? snapshot.figures[0];
}

/** A figure in words: a quota's headline ("3 of 10 concurrent sessions running"), else "Requests per minute 1,482". */
function figureWords(snapshot: ConnectionSnapshot, figure: Figure, options: FormatOptions): string {
  return figureInWords(snapshot.quotas, figure, options);
}

function figuresOf(snapshot: ConnectionSnapshot, options: FormatOptions): Figures {
  const shown = statusFigure(snapshot);
  if (!shown) return NO_FIGURES;
  let compact = shown.value === null ? '' : figureCompact(shown, options);
  let spoken = shown.value === null ? '' : figureWords(snapshot, shown, options);
  // "3/10 sessions (2 queued)": a second figure that matters whenever it is above zero.
  const append = descriptorOfKind(snapshot.kind).statusBar.appendWhenPositive;
  if (compact && append && shown.id === descriptorOfKind(snapshot.kind).statusBar.figure) {
    const extra = snapshot.figures.find((figure) => figure.id === append.figure);
    if (extra?.value !== null && extra?.value !== undefined && extra.value > 0) {
      compact += ` (${formatNumber(extra.value, options)} ${append.words})`;
      spoken += `, ${formatNumber(extra.value, options)} ${append.words}`;
    }
  }
  const values = snapshot.figures.filter((figure) => figure.value !== null).map((figure) => figureWords(snapshot, figure, options));
  return { compact, values: values.join(', '), spoken };
}

/** The quota most worth a look: highest level, then highest share; rows without a value only when they carry a level. */
export function worstQuota(quotas: readonly QuotaStatus[]): QuotaStatus | undefined {
  let worst: QuotaStatus | undefined;
  for (const quota of quotas) {
    if (quota.level === 'ok' && quota.ratio === null) continue;
    if (
      !worst ||
      levelRank(quota.level) > levelRank(worst.level) ||
      (levelRank(quota.level) === levelRank(worst.level) && (quota.ratio ?? -1) > (worst.ratio ?? -1))
    ) {
      worst = quota;
    }
  }
  return worst;
}

function providerName(snapshot: ConnectionSnapshot): string {
  return PROVIDER_NAMES[snapshot.kind] ?? snapshot.kind;
}

function stateWords(snapshot: ConnectionSnapshot, options: StatusBarOptions): string {
  const message = snapshot.error ? truncate(snapshot.error.message, MAX_MESSAGE_CHARS) : '';
  const retry =
    snapshot.error?.retryAt !== undefined && snapshot.error.retryAt > options.now
      ? `, retrying ${formatRelativeTime(snapshot.error.retryAt, options.now)}`
      : '';
  switch (snapshot.health) {
    case 'loading':
      return 'loading';
    case 'ok':
      return 'ok';
    case 'stale':
      return 'stale';
    case 'authNeeded':
      return message ? `token needed: ${message}` : 'token needed';
    case 'error':
      return message ? `error: ${message}${retry}` : `error${retry}`;
    case 'disabled':
      return 'disabled';
    default:
      return String(snapshot.health);
  }
}

/** The worst quota, when it is past a threshold: "Browser minutes 92 % (critical), runs out 28 Nov". */
function quotaLine(quota: QuotaStatus | undefined, options: StatusBarOptions): string {
  if (!quota || quota.level === 'ok') return '';
  const percent = quotaPercent(quota);
  const base = percent === null ? `${quota.label}: ${quotaHeadline(quota, options)}` : `${quota.label} ${formatPercent(percent, options)}`;
  const runsOut = quota.exhaustedAt === undefined ? '' : `, runs out ${formatDay(quota.exhaustedAt, options)}`;
  return `${base} (${quota.level})${runsOut}`;
}

/** The label, and the provider's name only where the label does not already say it ("Browserless (local)"). */
function connectionName(snapshot: ConnectionSnapshot): string {
  const provider = providerName(snapshot);
  return snapshot.label.toLowerCase().includes(provider.toLowerCase()) ? snapshot.label : `${snapshot.label} (${provider})`;
}

const STATE_ICONS: Readonly<Record<ConnectionSnapshot['health'], string>> = {
  loading: '$(sync~spin)',
  ok: '$(pass)',
  stale: '$(history)',
  authNeeded: '$(key)',
  error: '$(error)',
  disabled: '$(circle-slash)',
};

/**
 * One connection as two lines laid out for the hover's width (about 500 px): its name, state and age,
 * then its values in words, and the worst quota when it is past a threshold. No table: five columns
 * squeezed into a hover wrapped every cell.
 */
function tooltipBlock(snapshot: ConnectionSnapshot, figures: Figures, options: StatusBarOptions): string {
  const level = snapshotLevel(snapshot);
  const icon = snapshot.health === 'ok' && level !== 'ok' ? (level === 'critical' ? '$(error)' : '$(warning)') : STATE_ICONS[snapshot.health];
  const age = snapshot.lastSuccessAt === undefined ? 'never updated' : `updated ${formatRelativeTime(snapshot.lastSuccessAt, options.now, options)}`;
  const head = `${icon} **${escapeMarkdown(connectionName(snapshot))}** · ${escapeMarkdown(stateWords(snapshot, options))} · ${escapeMarkdown(age)}`;
  if (snapshot.health === 'disabled') return head;
  const lines = [figures.values, quotaLine(worstQuota(snapshot.quotas), options)].filter((line) => line !== '');
  // Two spaces before a line break: CommonMark's hard break, so the lines stay lines.
  return [head, ...lines.map((line) => escapeMarkdown(line))].join('  \n');
}

const COMMAND_LINKS = [
  `[Refresh](command:${STATUS_BAR_COMMANDS.refresh})`,
  `[Open panel](command:${STATUS_BAR_COMMANDS.openPanel})`,
  `[Show log](command:${STATUS_BAR_COMMANDS.showLog})`,
].join(' · ');

function spokenConnection(snapshot: ConnectionSnapshot, figures: Figures, options: StatusBarOptions): string {
  const name = connectionName(snapshot);
  const parts: string[] = [];
  switch (snapshot.health) {
    case 'loading':
      parts.push('loading');
      break;
    case 'authNeeded':
      parts.push('needs a token');
      break;
    case 'error':
      parts.push(snapshot.error ? `failing: ${truncate(snapshot.error.message, MAX_MESSAGE_CHARS)}` : 'failing');
      break;
    case 'stale':
      parts.push('data is stale');
      break;
    default:
      break;
  }
  if (figures.spoken && snapshot.health !== 'loading') parts.push(figures.spoken);
  const worst = worstQuota(snapshot.quotas);
  if (worst && worst.level !== 'ok') parts.push(`${worst.level}: ${describeQuota(worst, options)}`);
  if (parts.length === 0) parts.push('ok');
  return `${name}: ${parts.join('; ')}`;
}

/** Renders the status bar item for all connections, in configuration order. */
export function formatStatusBar(snapshots: readonly ConnectionSnapshot[], options: StatusBarOptions): StatusBarView {
  const format: FormatOptions = options.locale === undefined ? {} : { locale: options.locale };
  const renderOptions: StatusBarOptions = { ...options, ...format };

  if (snapshots.length === 0) {
    return {
      text: `$(pulse) ${TITLE}`,
      tooltipMarkdown: `**${TITLE}**\n\nNo connections yet.\n\n[Add connection](command:${STATUS_BAR_COMMANDS.addConnection})`,
      accessibilityLabel: `${TITLE}: no connections yet. Add a connection to watch usage.`,
      background: undefined,
    };
  }

  const figures = new Map(snapshots.map((snapshot) => [snapshot, figuresOf(snapshot, format)] as const));
  const active = snapshots.filter((snapshot) => snapshot.health !== 'disabled');
  const level = active.reduce<QuotaLevel>((worst, snapshot) => worseLevel(worst, snapshotLevel(snapshot)), 'ok');
  const background = level === 'critical' ? 'error' : level === 'warning' ? 'warning' : undefined;

  const blocks = snapshots.map((snapshot) => tooltipBlock(snapshot, figures.get(snapshot) ?? NO_FIGURES, renderOptions)).join('\n\n');
  const footer = active.length === 0 ? `All connections are disabled.\n\n${COMMAND_LINKS}` : COMMAND_LINKS;
  const runaways = runawayTooltip(snapshots, format);
  const tooltipMarkdown = `**${TITLE}**\n\n${blocks}\n\n${runaways ? `---\n\n${runaways}\n\n` : ''}---\n\n${footer}`;

  const spokenAll = snapshots.map((snapshot) =>
    snapshot.health === 'disabled' ? `${connectionName(snapshot)}: disabled` : spokenConnection(snapshot, figures.get(snapshot) ?? NO_FIGURES, renderOptions),
  );
  const runawaySentence = runawaysSpoken(snapshots, format);
  const levelSentence =
    (level === 'ok' ? '' : ` A quota is at ${level === 'critical' ? 'its critical' : 'its warning'} level.`) + (runawaySentence ? ` ${runawaySentence}.` : '');
  // Server messages often end in a period already; one sentence end is enough.
  const accessibilityLabel = `${TITLE}. ${spokenAll.map((sentence) => sentence.replace(/[.!?\s]+$/, '')).join('. ')}.${levelSentence}`;

  if (active.length === 0) {
    return { text: `$(pulse) ${TITLE}`, tooltipMarkdown, accessibilityLabel, background: undefined };
  }
  if (active.every((snapshot) => snapshot.health === 'loading')) {
    return {
      text: `$(sync~spin) ${TITLE}`,
      tooltipMarkdown,
      accessibilityLabel: `${TITLE}: loading ${active.length === 1 ? 'one connection' : `${active.length} connections`}.`,
      background,
    };
  }

  const icons: string[] = [];
  if (level !== 'ok') icons.push('$(warning)');
  if (active.some((snapshot) => snapshot.health === 'error')) icons.push('$(error)');
  if (active.some((snapshot) => snapshot.health === 'authNeeded')) icons.push('$(key)');
  if (icons.length === 0) icons.push('$(pulse)');

  // Worst quota first, then connections that need the user, then the order the user configured.
  const ranked = active
    .map((snapshot, index) => ({ snapshot, index }))
    .sort(
      (a, b) =>
        levelRank(snapshotLevel(b.snapshot)) - levelRank(snapshotLevel(a.snapshot)) ||
        Number(needsAttention(b.snapshot)) - Number(needsAttention(a.snapshot)) ||
        a.index - b.index,
    )
    .map((entry) => entry.snapshot);
  const maxInText = Math.max(1, Math.floor(options.maxInText ?? DEFAULT_MAX_IN_TEXT));
  const shown = ranked.slice(0, maxInText);
  const kindCounts = new Map<ProviderKind, number>();
  for (const snapshot of shown) kindCounts.set(snapshot.kind, (kindCounts.get(snapshot.kind) ?? 0) + 1);

  const entries = shown.map((snapshot) => {
    // Two connections of one provider side by side need their labels to be told apart.
    const name =
      (kindCounts.get(snapshot.kind) ?? 0) > 1
        ? escapeStatusBarText(truncate(snapshot.label, MAX_LABEL_IN_TEXT))
        : (ABBREVIATIONS[snapshot.kind] ?? snapshot.kind);
    const compact = figures.get(snapshot)?.compact ?? '';
    if (snapshot.health === 'loading') return `${name} …`;
    // Values of a failing connection are old; the icon says why they are missing.
    if (needsAttention(snapshot) || !compact) return name;
    return `${name} ${compact}`;
  });
  const more = ranked.length - shown.length;
  const text = `${icons.join(' ')} ${entries.join(' · ')}${more > 0 ? ` +${more}` : ''}`;
  return { text, tooltipMarkdown, accessibilityLabel, background };
}
