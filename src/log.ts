/**
 * The extension's log: a VS Code LogOutputChannel behind a writer that redacts every known token
 * before a line is written. Nothing else in the extension writes to the channel directly.
 */
import { redactText } from './http/redact';

export interface LogSink {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
}

export class RedactingLog implements LogSink {
  private readonly secrets = new Set<string>();

  constructor(private readonly sink: LogSink) {}

  /** Every token the extension holds is registered here, so no log line can carry it. */
  addSecret(secret: string | undefined): void {
    if (secret && secret.length >= 4) this.secrets.add(secret);
  }

  /** The text with every registered token (in any of its forms) and credential-like parameter masked. */
  redact(message: string): string {
    return redactText(message, [...this.secrets]);
  }

  info(message: string): void {
    this.sink.info(this.redact(message));
  }
  warn(message: string): void {
    this.sink.warn(this.redact(message));
  }
  error(message: string): void {
    this.sink.error(this.redact(message));
  }
  debug(message: string): void {
    this.sink.debug(this.redact(message));
  }
}
