import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createRestartBudgetStore,
  decideRestart,
  DEFAULT_RESTART_BUDGET,
  readRestartRecord,
  type RestartBudget,
} from './restart-budget';

const MIN = 60_000;
const budget: RestartBudget = { maxRestarts: 3, windowMs: 10 * MIN };

describe('decideRestart', () => {
  it('defaults to 5 restarts in 10 minutes', () => {
    expect(DEFAULT_RESTART_BUDGET).toEqual({ maxRestarts: 5, windowMs: 10 * MIN });
  });

  it('allows a restart with an empty history and records it', () => {
    expect(decideRestart([], 1_000_000, budget)).toEqual({ allowed: true, history: [1_000_000] });
  });

  it('allows up to maxRestarts within the window, then refuses', () => {
    let history: number[] = [];
    const start = 50 * MIN;
    const allowed: boolean[] = [];
    for (let i = 0; i < 5; i++) {
      const decision = decideRestart(history, start + i * MIN, budget);
      allowed.push(decision.allowed);
      history = decision.history;
    }
    expect(allowed).toEqual([true, true, true, false, false]);
    // Refused restarts are not recorded.
    expect(history).toEqual([start, start + MIN, start + 2 * MIN]);
  });

  it('allows again once old restarts slide out of the window', () => {
    const t0 = 100 * MIN;
    const history = [t0, t0 + MIN, t0 + 2 * MIN];
    expect(decideRestart(history, t0 + 9 * MIN, budget).allowed).toBe(false);
    const later = decideRestart(history, t0 + 10 * MIN + 1, budget);
    expect(later.allowed).toBe(true);
    expect(later.history).toEqual([t0 + MIN, t0 + 2 * MIN, t0 + 10 * MIN + 1]);
  });

  it('forgets future timestamps (clock set back) and non-finite values', () => {
    const now = 100 * MIN;
    const decision = decideRestart([now + 5 * MIN, now + 6 * MIN, Number.NaN, Number.POSITIVE_INFINITY, now - MIN], now, budget);
    expect(decision).toEqual({ allowed: true, history: [now - MIN, now] });
  });

  it('does not mutate the given history', () => {
    const history = [1, 2, 3];
    decideRestart(history, 4, budget);
    expect(history).toEqual([1, 2, 3]);
  });
});

describe('createRestartBudgetStore', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'soo-budget-'));
    file = join(dir, 'nested', 'restart-budget.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('bounds restarts per key and keeps keys apart', () => {
    let t = 1_000 * MIN;
    const store = createRestartBudgetStore(file, { budget, now: () => t });
    const agent = [store.tryRestart('agent'), store.tryRestart('agent'), store.tryRestart('agent'), store.tryRestart('agent')];
    expect(agent).toEqual([true, true, true, false]);
    expect(store.tryRestart('renderer:entrance')).toBe(true);
    t += 11 * MIN;
    expect(store.tryRestart('agent')).toBe(true);
  });

  it('keeps the record on disk so a crash loop across app restarts stays bounded', () => {
    const t = 1_000 * MIN;
    const first = createRestartBudgetStore(file, { budget, now: () => t });
    expect([first.tryRestart('agent'), first.tryRestart('agent')]).toEqual([true, true]);
    // The app itself restarts: a new store reads the same file.
    const second = createRestartBudgetStore(file, { budget, now: () => t + MIN });
    expect(second.recent('agent')).toEqual([t, t]);
    expect([second.tryRestart('agent'), second.tryRestart('agent')]).toEqual([true, false]);
    const onDisk = JSON.parse(readFileSync(file, 'utf8')) as { version: number; restarts: Record<string, number[]> };
    expect(onDisk.version).toBe(1);
    expect(onDisk.restarts.agent).toHaveLength(3);
  });

  it('starts fresh from a corrupt file instead of crashing, and repairs it', () => {
    const flat = join(dir, 'restart-budget.json');
    writeFileSync(flat, '{"version":1,"restarts":{"agent":[1,2');
    expect(readRestartRecord(flat)).toEqual({});
    const store = createRestartBudgetStore(flat, { budget, now: () => 5 * MIN });
    expect(store.tryRestart('agent')).toBe(true);
    expect(readRestartRecord(flat)).toEqual({ agent: [5 * MIN] });
  });

  it('ignores well-formed JSON of the wrong shape', () => {
    const flat = join(dir, 'restart-budget.json');
    for (const content of ['null', '[]', '42', '{"restarts":[1,2]}', '{"restarts":{"agent":"x","r":[1,"2",null]}}']) {
      writeFileSync(flat, content);
      const record = readRestartRecord(flat);
      expect(record.agent).toBeUndefined();
    }
    expect(readRestartRecord(flat)).toEqual({ r: [1] });
  });

  it('still enforces the budget within the run when the file cannot be written', () => {
    // A directory where the file should be: every write fails.
    const errors: unknown[] = [];
    const store = createRestartBudgetStore(dir, { budget, now: () => 10 * MIN, onError: (e) => errors.push(e) });
    expect([store.tryRestart('agent'), store.tryRestart('agent'), store.tryRestart('agent'), store.tryRestart('agent')]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(errors.length).toBeGreaterThan(0);
  });
});
