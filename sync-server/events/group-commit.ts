/**
 * Group commit: work submitted while a transaction is running, or in the same event-loop
 * turn, runs together in the next transaction, so one commit (one fsync, with
 * synchronous=FULL) covers all of it. Each submission still gets its own result, and only
 * once the transaction it ran in has committed; the stores are poked after that commit.
 *
 * Failure: when a group's transaction fails (a member's work throws, or the commit
 * itself), nothing of the group was committed. Each member is then run again alone, in a
 * transaction of its own, so one bad member fails by itself instead of taking the others
 * with it; a member that fails alone too is rejected (its caller acks nothing).
 */
import { ChangeRecorder } from '../changes/change-recorder';
import type { StorageOps } from '../storage/sync-storage';
import type { SyncContext } from '../sync-context';

/**
 * Runs inside the group's transaction, after the earlier members' work. It may run twice
 * (in a group that failed, then alone), so whatever must happen once outside the database
 * (counters, answers) is left to the caller, after it resolves.
 */
export type GroupWork<T> = (tx: StorageOps, changes: ChangeRecorder) => Promise<T>;

interface Member {
  work: GroupWork<unknown>;
  weight: number;
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

export interface GroupCommitOptions {
  /**
   * A group stops growing at this total weight (unless its first member alone is
   * heavier): its transaction holds the connection, and every answer in it, so an
   * unbounded group would hold every other request back.
   */
  maxWeight: number;
  /** After each commit, with how many members it carried. */
  onCommitted?(members: number): void;
}

export class GroupCommit {
  private queue: Member[] = [];
  /** A group is waiting for its turn or running; the next one starts when it is done. */
  private busy = false;

  constructor(
    private readonly context: Pick<SyncContext, 'storage' | 'poke' | 'log'>,
    private readonly options: GroupCommitOptions,
  ) {}

  /** `work`'s result once the transaction it ran in has committed; rejects when it could not be committed. */
  submit<T>(work: GroupWork<T>, weight: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, weight, resolve: resolve as (result: unknown) => void, reject });
      this.startNext();
    });
  }

  private startNext(): void {
    if (this.busy || this.queue.length === 0) return;
    this.busy = true;
    // After this turn's I/O: the requests read from the sockets in the same turn (under
    // load, those that arrived while the previous group was being written) join the group.
    setImmediate(() => {
      void this.runGroup(this.takeGroup()).finally(() => {
        this.busy = false;
        this.startNext();
      });
    });
  }

  private takeGroup(): Member[] {
    let weight = this.queue[0]!.weight;
    let count = 1;
    while (count < this.queue.length && weight + this.queue[count]!.weight <= this.options.maxWeight) {
      weight += this.queue[count]!.weight;
      count += 1;
    }
    return this.queue.splice(0, count);
  }

  private async runGroup(group: Member[]): Promise<void> {
    let results: unknown[];
    try {
      results = await this.commit(group);
    } catch (error) {
      if (group.length === 1) {
        group[0]!.reject(error);
        return;
      }
      this.context.log.warn({ err: error, members: group.length }, 'group commit failed; running its members one by one');
      for (const member of group) {
        try {
          member.resolve((await this.commit([member]))[0]);
        } catch (alone) {
          member.reject(alone);
        }
      }
      return;
    }
    group.forEach((member, i) => member.resolve(results[i]));
  }

  /** Runs the members' work in one transaction; after its commit, pokes the stores. */
  private async commit(members: readonly Member[]): Promise<unknown[]> {
    const { results, pokes } = await this.context.storage.transaction(async (tx) => {
      const changes = new ChangeRecorder(tx);
      const results: unknown[] = [];
      for (const member of members) results.push(await member.work(tx, changes));
      return { results, pokes: changes.pokes };
    });
    this.options.onCommitted?.(members.length);
    try {
      this.context.poke(pokes);
    } catch (error) {
      // Committed already: a lost poke only delays the stores until their next pull.
      this.context.log.warn({ err: error }, 'could not poke the stores after an upload');
    }
    return results;
  }
}
