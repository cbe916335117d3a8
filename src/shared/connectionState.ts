/**
 * One word (and a reason) for how a connection is doing, as the sidebar cards and the panel show it:
 * fetching problems first (a token is needed, an error, stale data), then the quota level. Pure.
 */
import { formatRelativeTime } from './format';
import type { ConnectionHealth, ConnectionSnapshot } from './snapshot';

export type ConnectionStateKind = 'ok' | 'warning' | 'critical' | 'stale' | 'authNeeded' | 'error' | 'loading' | 'disabled';

export interface ConnectionState {
  readonly kind: ConnectionStateKind;
  readonly text: string;
  /** A codicon name. */
  readonly icon: string;
  /** Why, in plain words, when it is not simply fine. */
  readonly reason?: string;
}

/** How fetching is going, in the words of the panel's badge. */
export const HEALTH_TEXT: Readonly<Record<ConnectionHealth, string>> = {
  loading: 'Loading…',
  ok: 'OK',
  stale: 'Stale',
  authNeeded: 'Token needed',
  error: 'Error',
  disabled: 'Disabled',
};

export function connectionState(snapshot: ConnectionSnapshot, now: number): ConnectionState {
  const retry = snapshot.error?.retryAt !== undefined && snapshot.error.retryAt > now ? `; retrying ${formatRelativeTime(snapshot.error.retryAt, now)}` : '';
  switch (snapshot.health) {
    case 'authNeeded':
      return {
        kind: 'authNeeded',
        // The status bar's word too: one word for one state on every surface.
        text: 'Token needed',
        icon: 'key',
        reason: snapshot.error ? `${snapshot.error.message}. Set a token to resume.` : 'No token yet: set one to start polling.',
      };
    case 'error':
      return { kind: 'error', text: 'Error', icon: 'error', reason: `${snapshot.error?.message ?? 'The last attempts failed'}${retry}` };
    case 'stale':
      return {
        kind: 'stale',
        text: 'Stale',
        icon: 'history',
        reason: snapshot.lastSuccessAt ? `Last updated ${formatRelativeTime(snapshot.lastSuccessAt, now)}` : 'Not updated for a while',
      };
    case 'loading':
      return { kind: 'loading', text: 'Loading…', icon: 'loading' };
    case 'disabled':
      return { kind: 'disabled', text: 'Disabled', icon: 'circle-slash', reason: 'Polling is off for this connection (enabled: false)' };
    case 'ok':
      break;
  }
  const worst = snapshot.quotas.find((quota) => quota.level === 'critical') ?? snapshot.quotas.find((quota) => quota.level === 'warning');
  if (!worst) return { kind: 'ok', text: 'OK', icon: 'pass' };
  const reason = `${worst.label}${worst.detail ? `: ${worst.detail}` : ''}`;
  return worst.level === 'critical'
    ? { kind: 'critical', text: 'Critical', icon: 'error', reason }
    : { kind: 'warning', text: 'Warning', icon: 'warning', reason };
}
