/**
 * A watchdog's restart budget (the Xibo player's idea): at most `maxRestarts` restarts of
 * one process within `windowMs`. The history is kept on disk, so a crash loop that takes
 * the whole app down and up again is bounded too, not just one inside a single run.
 *
 * The decision is a pure function; the file wrapper only loads and saves the history.
 * Nothing here imports Electron.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface RestartBudget {
  /** Restarts allowed within one window. */
  readonly maxRestarts: number;
  /** Length of the sliding window, in ms. */
  readonly windowMs: number;
}

export const DEFAULT_RESTART_BUDGET: RestartBudget = { maxRestarts: 5, windowMs: 10 * 60_000 };

export interface RestartDecision {
  readonly allowed: boolean;
  /** The history to keep: restarts still inside the window, plus this one when allowed. */
  readonly history: number[];
}

/**
 * Whether one more restart fits the budget at `now`.
 *
 * Timestamps outside the window are forgotten; so are timestamps in the future (the clock
 * was set back) and anything that is not a finite number, so a bad record can never lock
 * the process out for longer than one window. A refused restart is not recorded.
 */
export function decideRestart(
  history: readonly number[],
  now: number,
  budget: RestartBudget = DEFAULT_RESTART_BUDGET,
): RestartDecision {
  const windowStart = now - budget.windowMs;
  const recent = history.filter((t) => Number.isFinite(t) && t > windowStart && t <= now).sort((a, b) => a - b);
  if (recent.length >= budget.maxRestarts) return { allowed: false, history: recent };
  return { allowed: true, history: [...recent, now] };
}

interface BudgetFileContent {
  version: 1;
  /** Per process key ("agent", "renderer:<screenId>"): restart timestamps, ms since epoch. */
  restarts: Record<string, number[]>;
}

/** Reads the record; a missing, unreadable or malformed file is an empty record. */
export function readRestartRecord(filePath: string): Record<string, number[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(filePath, 'utf8'));
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const restarts = (parsed as Partial<BudgetFileContent>).restarts;
  if (typeof restarts !== 'object' || restarts === null || Array.isArray(restarts)) return {};
  const record: Record<string, number[]> = {};
  for (const [key, value] of Object.entries(restarts)) {
    if (Array.isArray(value)) record[key] = value.filter((t): t is number => typeof t === 'number' && Number.isFinite(t));
  }
  return record;
}

function writeRestartRecord(filePath: string, restarts: Record<string, number[]>): void {
  const content: BudgetFileContent = { version: 1, restarts };
  mkdirSync(dirname(filePath), { recursive: true });
  // Write then rename, so a crash mid-write never leaves half a file behind.
  const tmp = `${filePath}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(content));
  try {
    renameSync(tmp, filePath);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

export interface RestartBudgetStore {
  /** Records and allows the restart of `key` if it fits the budget; false when it does not. */
  tryRestart(key: string): boolean;
  /** The restarts of `key` still inside the window (for logs). */
  recent(key: string): number[];
}

/**
 * The budget record in a small JSON file (e.g. `<dataDir>/restart-budget.json`), read once
 * when the store is made (the single-instance lock means one store per data dir) and
 * written after every decision. Failing to write the file goes to `onError` and does not
 * stop the restart: the budget still holds within this run.
 */
export function createRestartBudgetStore(
  filePath: string,
  options: { budget?: RestartBudget; now?: () => number; onError?: (error: unknown) => void } = {},
): RestartBudgetStore {
  const budget = options.budget ?? DEFAULT_RESTART_BUDGET;
  const now = options.now ?? Date.now;
  const record: Record<string, number[]> = readRestartRecord(filePath);

  return {
    tryRestart(key) {
      const decision = decideRestart(record[key] ?? [], now(), budget);
      record[key] = decision.history;
      try {
        writeRestartRecord(filePath, record);
      } catch (error) {
        options.onError?.(error);
      }
      return decision.allowed;
    },
    recent(key) {
      const t = now();
      return (record[key] ?? []).filter((x) => x > t - budget.windowMs && x <= t);
    },
  };
}
