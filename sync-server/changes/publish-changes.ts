/**
 * Writes changes in one transaction and pokes the stores after it commits: the order
 * every change at head office follows (content, profiles, scope).
 */
import type { SyncContext } from '../sync-context';
import type { StorageOps } from '../storage/sync-storage';
import { ChangeRecorder } from './change-recorder';

export async function publishChanges<T>(
  context: Pick<SyncContext, 'storage' | 'poke'>,
  work: (tx: StorageOps, changes: ChangeRecorder) => Promise<T>,
): Promise<T> {
  const { result, pokes } = await context.storage.transaction(async (tx) => {
    const changes = new ChangeRecorder(tx);
    const result = await work(tx, changes);
    return { result, pokes: changes.pokes };
  });
  context.poke(pokes);
  return result;
}
