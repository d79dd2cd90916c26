/** Runs profile work in one transaction, brings the stores in line, and pokes them after the commit. */
import { publishChanges } from '../changes/publish-changes';
import type { SyncContext } from '../sync-context';
import type { StorageOps } from '../storage/sync-storage';
import { ProfileWork } from './profile-work';

export function withProfileWork<T>(context: SyncContext, run: (work: ProfileWork, tx: StorageOps) => Promise<T>, now = new Date(context.config.now())): Promise<T> {
  return publishChanges(context, async (tx, changes) => {
    const work = new ProfileWork({
      tx,
      changes,
      hlc: context.hlc,
      scope: context.config.scope,
      now,
      log: context.log,
      onIdentifierConflict: () => (context.metrics.identifierConflicts += 1),
    });
    const result = await run(work, tx);
    await work.finish();
    return result;
  });
}
