/**
 * Writes change rows inside a transaction and remembers, per store, the newest version
 * written, so the stores can be poked once the transaction has committed (a poke before
 * the commit could send a device to pull a change it cannot see yet).
 */
import type { Collection } from '../../protocol/sync';
import type { StorageOps } from '../storage/sync-storage';

/** Store id (or ALL_STORES) → newest version written for it. */
export type Pokes = ReadonlyMap<string, number>;

export class ChangeRecorder {
  private readonly written = new Map<string, number>();

  constructor(private readonly tx: StorageOps) {}

  async upsert(storeId: string, collection: Collection, key: string, data: unknown): Promise<number> {
    const version = await this.tx.putChange({ storeId, collection, key, op: 'upsert', data });
    this.note(storeId, version);
    return version;
  }

  async tombstone(storeId: string, collection: Collection, key: string): Promise<number> {
    const version = await this.tx.putChange({ storeId, collection, key, op: 'delete' });
    this.note(storeId, version);
    return version;
  }

  get pokes(): Pokes {
    return this.written;
  }

  private note(storeId: string, version: number): void {
    this.written.set(storeId, Math.max(version, this.written.get(storeId) ?? 0));
  }
}
