/** Structured logs (pino, JSON lines on stderr) so a store's logs can be shipped and searched. */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(name: string, level: string = process.env.SOO_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level }, pino.destination(2));
}

/**
 * Counts bad input by reason and logs it at most once per interval per reason, so a
 * broken gateway flooding the broker cannot flood the log too.
 */
export class RejectionCounter {
  readonly counts: Record<string, number> = {};
  private readonly lastLogged = new Map<string, number>();

  constructor(
    private readonly log: Logger,
    private readonly intervalMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  reject(reason: string, detail: Record<string, unknown>): void {
    this.counts[reason] = (this.counts[reason] ?? 0) + 1;
    const t = this.now();
    const last = this.lastLogged.get(reason);
    if (last !== undefined && t - last < this.intervalMs) return;
    this.lastLogged.set(reason, t);
    this.log.warn({ reason, total: this.counts[reason], ...detail }, `rejected input: ${reason}`);
  }
}
