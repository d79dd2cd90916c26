/**
 * GroupCommit against a real SQLite file: work submitted together shares one transaction,
 * each caller gets its own result after the commit, and a failing member fails alone.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../main/log/logger';
import type { Pokes } from '../changes/change-recorder';
import type { SyncStorage } from '../storage/sync-storage';
import { openTempStorage, type TempStorage } from '../testing/temp-storage';
import { GroupCommit, type GroupWork } from './group-commit';

const log = createLogger('group-commit-test', 'silent');
const at = '2030-01-01T00:00:00.000Z';

describe('GroupCommit', () => {
  let temp: TempStorage;
  let transactions: number;
  let pokes: Pokes[];
  /** The storage, counting transactions. */
  let storage: SyncStorage;

  beforeEach(() => {
    temp = openTempStorage();
    transactions = 0;
    pokes = [];
    const real = temp.storage;
    storage = new Proxy(real, {
      get(target, name) {
        if (name !== 'transaction') return Reflect.get(target, name) as unknown;
        return ((work) => {
          transactions += 1;
          return target.transaction(work);
        }) satisfies SyncStorage['transaction'];
      },
    });
  });
  afterEach(() => temp.cleanup());

  let commits: number[];
  const groupCommit = (maxWeight = 1000): GroupCommit => {
    commits = [];
    return new GroupCommit({ storage, log, poke: (p) => pokes.push(new Map(p)) }, { maxWeight, onCommitted: (members) => commits.push(members) });
  };

  /** Creates a store (its id is the result), and publishes a change for it. */
  const createStore =
    (id: string): GroupWork<string> =>
    async (tx, changes) => {
      if (!(await tx.createStore({ id, name: id, region: null, createdAt: at }))) throw new Error(`store ${id} exists`);
      await changes.upsert(id, 'rules', `welcome-${id}`, { id });
      return id;
    };

  it('runs work submitted in the same turn in one transaction, answering each in order after the commit', async () => {
    const group = groupCommit();
    const results = await Promise.all(['A', 'B', 'C'].map((id) => group.submit(createStore(id), 1)));
    expect(results).toEqual(['A', 'B', 'C']);
    expect(transactions).toBe(1);
    expect((await temp.storage.listStores()).map((s) => s.id)).toEqual(['A', 'B', 'C']);
    // One poke, after the one commit, for every store written in it.
    expect(pokes).toHaveLength(1);
    expect([...pokes[0]!.keys()]).toEqual(['A', 'B', 'C']);
  });

  it('starts a new group at the weight limit, and runs a member heavier than the limit alone', async () => {
    const group = groupCommit(1000);
    const results = await Promise.all([
      group.submit(createStore('A'), 600),
      group.submit(createStore('B'), 400),
      group.submit(createStore('C'), 1500),
      group.submit(createStore('D'), 1),
    ]);
    expect(results).toEqual(['A', 'B', 'C', 'D']);
    expect(transactions).toBe(3);
    expect(commits).toEqual([2, 1, 1]); // A+B, C, D
  });

  it('work submitted while a group is being written joins the next group', async () => {
    const group = groupCommit();
    const first = group.submit(createStore('A'), 1);
    await new Promise((resolve) => setImmediate(resolve)); // the first group has started
    const later = ['B', 'C'].map((id) => group.submit(createStore(id), 1));
    expect(await Promise.all([first, ...later])).toEqual(['A', 'B', 'C']);
    expect(transactions).toBe(2);
  });

  it('when a member throws, runs the others alone: they commit, it alone fails, nothing of the group attempt is kept', async () => {
    await temp.storage.createStore({ id: 'TAKEN', name: 'taken', region: null, createdAt: at });
    const group = groupCommit();
    const outcomes = await Promise.allSettled(['A', 'TAKEN', 'B'].map((id) => group.submit(createStore(id), 1)));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ message: 'store TAKEN exists' });
    // The failed group, then each member alone.
    expect(transactions).toBe(4);
    expect(commits).toEqual([1, 1]);
    expect((await temp.storage.listStores()).map((s) => s.id)).toEqual(['A', 'B', 'TAKEN']);
    expect(pokes.map((p) => [...p.keys()])).toEqual([['A'], ['B']]);
  });
});
