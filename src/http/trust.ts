/**
 * Which certificate authorities Live Usage trusts for TLS: Node's own (its bundled Mozilla roots and
 * NODE_EXTRA_CA_CERTS) and, when VS Code's `http.systemCertificates` is on (its default), the
 * operating system's, as VS Code does for its own networking. Behind a corporate proxy that inspects
 * TLS, the proxy's CA is usually only in the system's store.
 *
 * The system's certificates come from the first source that answers:
 * 1. VS Code's own loader (`@vscode/proxy-agent`'s `loadSystemCertificates`, through HostNetwork):
 *    the same certificates VS Code uses, on every OS;
 * 2. Node's `tls.getCACertificates('system')` (Node 22.15 and later: every VS Code since 1.101);
 * 3. the files OpenSSL reads on Linux: `SSL_CERT_FILE` (else the first distribution bundle that
 *    exists) and the files in each folder of `SSL_CERT_DIR`.
 *
 * All of them go into one TLS SecureContext, built once and shared by every connection: handing
 * undici the list instead makes Node build a context per connection, tens of milliseconds each on the
 * extension host's thread.
 */
import { X509Certificate } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import tls, { type SecureContext } from 'node:tls';

/** The distribution bundles VS Code's own loader looks for, in its order. */
export const LINUX_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/ssl/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
] as const;

/** Where the system's certificates can come from; each part is optional, and tests pass their own. */
export interface CertificateSources {
  /** VS Code's loader, when the extension host offers it. */
  readonly host?: () => Promise<readonly string[]>;
  /** Node's system store (`tls.getCACertificates('system')`), where Node has it. */
  readonly node?: () => readonly string[];
  /** Environment for SSL_CERT_FILE, SSL_CERT_DIR and NODE_EXTRA_CA_CERTS. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `process.platform`: the Linux files are read on Linux only. */
  readonly platform: NodeJS.Platform;
  readonly readFile?: (file: string) => Promise<string>;
  readonly readdir?: (folder: string) => Promise<string[]>;
  /** Drops certificates expired at this time (default now). */
  readonly now?: number;
}

export interface SystemCertificates {
  readonly certificates: readonly string[];
  /** Where they came from, for the log and messages. */
  readonly source: 'VS Code' | 'Node' | 'files' | 'none';
}

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The PEM certificates in a text (a bundle holds many; anything between them is ignored). */
export function splitPem(text: string): string[] {
  return text.match(PEM) ?? [];
}

async function readOptional(read: (file: string) => Promise<string>, file: string): Promise<string> {
  try {
    return await read(file);
  } catch {
    // A missing or unreadable file is one source fewer, not a failure.
    return '';
  }
}

/** The Linux files OpenSSL would read: SSL_CERT_FILE (else the first bundle there is), then each SSL_CERT_DIR folder. */
async function certificateFiles(sources: CertificateSources): Promise<string[]> {
  const read = sources.readFile ?? ((file: string) => readFile(file, 'utf8'));
  const list = sources.readdir ?? ((folder: string) => readdir(folder));
  const found: string[] = [];
  const file = sources.env.SSL_CERT_FILE?.trim();
  if (file) found.push(...splitPem(await readOptional(read, file)));
  else {
    for (const bundle of LINUX_BUNDLES) {
      const text = await readOptional(read, bundle);
      if (text === '') continue;
      found.push(...splitPem(text));
      break;
    }
  }
  for (const folder of (sources.env.SSL_CERT_DIR ?? '').split(path.delimiter).filter((entry) => entry.trim() !== '')) {
    let names: string[];
    try {
      names = await list(folder);
    } catch {
      continue;
    }
    for (const name of names.sort()) found.push(...splitPem(await readOptional(read, path.join(folder, name))));
  }
  return found;
}

/** Certificates read per turn of the event loop: reading one takes up to a millisecond on a busy machine. */
const CERTIFICATES_PER_TURN = 20;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Without duplicates (a folder of hashed links repeats its certificates, and a distribution's bundle
 * holds Node's own roots) and without expired ones, as VS Code does. `known` are certificates already
 * listed elsewhere, left out too. Read a few at a time, between turns of the event loop.
 */
export async function usableCertificates(certificates: readonly string[], now: number = Date.now(), known: readonly string[] = []): Promise<string[]> {
  const seen = new Set<string>(known.map((certificate) => certificate.replace(/\s+/g, '')));
  const usable: string[] = [];
  for (const [index, certificate] of certificates.entries()) {
    if (index > 0 && index % CERTIFICATES_PER_TURN === 0) await nextTurn();
    const key = certificate.replace(/\s+/g, '');
    if (seen.has(key)) continue;
    seen.add(key);
    try {
      if (Date.parse(new X509Certificate(certificate).validTo) < now) continue;
    } catch {
      // Not a certificate Node can read: OpenSSL would skip it too.
      continue;
    }
    usable.push(certificate);
  }
  return usable;
}

/**
 * The system's certificates from the first source that has any, less those in `known` (Node's own,
 * which a context lists anyway).
 */
export async function loadSystemCertificates(sources: CertificateSources, known: readonly string[] = []): Promise<SystemCertificates> {
  const now = sources.now ?? Date.now();
  const found = async (list: readonly string[], source: SystemCertificates['source']): Promise<SystemCertificates | undefined> => {
    if (list.length === 0) return undefined;
    return { certificates: await usableCertificates(list, now, known), source };
  };
  if (sources.host) {
    try {
      const system = await found(await sources.host(), 'VS Code');
      if (system) return system;
    } catch {
      // VS Code's loader is internal to it and may change: the next source answers instead.
    }
  }
  if (sources.node) {
    try {
      const system = await found(sources.node(), 'Node');
      if (system) return system;
    } catch {
      // As above.
    }
  }
  if (sources.platform === 'linux') {
    const system = await found(await certificateFiles(sources), 'files');
    if (system) return system;
  }
  return { certificates: [], source: 'none' };
}

/**
 * What Node trusts by default: its bundled roots and NODE_EXTRA_CA_CERTS. Listed explicitly because a
 * context given its own CA list trusts only that list.
 */
export async function defaultCertificates(sources: Pick<CertificateSources, 'env' | 'readFile'>): Promise<string[]> {
  const read = sources.readFile ?? ((file: string) => readFile(file, 'utf8'));
  const extra = sources.env.NODE_EXTRA_CA_CERTS?.trim();
  return [...tls.rootCertificates, ...(extra ? splitPem(await readOptional(read, extra)) : [])];
}

/** Node's system store where Node has one (22.15 and later), for CertificateSources.node. */
export function nodeSystemCertificates(): (() => readonly string[]) | undefined {
  const get = (tls as { getCACertificates?: (type: 'system') => string[] }).getCACertificates;
  return typeof get === 'function' ? () => get('system') : undefined;
}

export interface Trust {
  /** The one context every TLS connection uses; undefined: Node's defaults (system certificates off). */
  readonly secureContext?: SecureContext;
  /** The same list, for code that looks at `ca` (VS Code's TLS patch leaves a connection that has one alone). */
  readonly ca?: readonly string[];
  readonly systemCertificates: SystemCertificates;
}

/** Builds the trust for `systemCertificates` on or off. Call once per change of settings and keep it. */
export async function buildTrust(systemCertificatesOn: boolean, sources: CertificateSources): Promise<Trust> {
  if (!systemCertificatesOn) return { systemCertificates: { certificates: [], source: 'none' } };
  const defaults = await defaultCertificates(sources);
  const system = await loadSystemCertificates(sources, defaults);
  if (system.certificates.length === 0) return { systemCertificates: system };
  const ca = [...defaults, ...system.certificates];
  // The one step that cannot be cut up: some tens of milliseconds, once per start or change of settings.
  return { secureContext: tls.createSecureContext({ ca }), ca, systemCertificates: system };
}
