/**
 * Applies head office's changes to the store's SQLite file. Each batch and the new cursor
 * commit in one transaction, so a crash mid-sync resumes exactly where it stopped.
 */
import { collectionDataSchemas, type Collection } from '../../protocol/sync';
import { playlistSchema, type Playlist } from '../../protocol/bridge';
import type { Product } from '../../protocol/kiosk';
import type { Db } from '../store/database';
import type { ProfileStore } from '../store/profile-store';
import { compileRuleSet, type CompiledRuleSet } from '../decisions/rule-set';
import type { Logger } from '../log/logger';
import { checkChange, type CheckedChange } from './page-check';
import { installStoreFile, notFresh, type InstallOutcome } from '../store/store-file-install';
import type { WalCheckpointer, WalCheckpointOutcome } from '../store/wal-checkpoint';
import { loadSyncedDocuments } from './synced-documents';

export interface SyncedDocumentsListener {
  onRules(rules: CompiledRuleSet): void;
  onPlaylist(playlist: Playlist): void;
  onPlaylistRemoved(id: string): void;
  onCatalogue(products: Product[]): void;
}

export interface ApplyResult {
  applied: number;
  invalid: number;
}


export interface ChangeApplierOptions {
  /**
   * The agent's background checkpoints (its worker thread). With it, a store file's pages
   * are written home on that thread; without it, on the agent's, as part of the install.
   */
  checkpointer?: WalCheckpointer;
}

export class ChangeApplier {
  private readonly readCursor;
  private readonly writeCursor;
  private readonly rowVersion;
  private readonly dropRow;
  private readonly putDocument;
  private readonly dropDocument;
  private readonly localKeys;
  private readonly checksum;
  private readonly batchTx;
  private readonly forgetLedger;
  private readonly forgetVisits;
  /** Documents are announced after commit, so listeners never see a rolled-back state. */
  private announcements: Array<() => void> = [];
  /** A store file's pages being written home on a worker thread (wal-checkpoint.ts). */
  private walCheckpoint: Promise<WalCheckpointOutcome> | undefined;

  constructor(
    private readonly db: Db,
    private readonly profiles: ProfileStore,
    private readonly listener: SyncedDocumentsListener,
    private readonly log: Logger,
    private readonly options: ChangeApplierOptions = {},
  ) {
    this.readCursor = db.prepare<[], { version: number }>('SELECT version FROM sync_cursor WHERE id = 1');
    this.writeCursor = db.prepare<[number]>('UPDATE sync_cursor SET version = ? WHERE id = 1');
    this.rowVersion = db.prepare<[string, string, number]>(
      'INSERT INTO sync_rows (collection, key, version) VALUES (?, ?, ?) ON CONFLICT(collection, key) DO UPDATE SET version = excluded.version',
    );
    this.dropRow = db.prepare<[string, string]>('DELETE FROM sync_rows WHERE collection = ? AND key = ?');
    this.putDocument = db.prepare<[string, string, string]>(
      'INSERT INTO synced_documents (collection, key, data) VALUES (?, ?, ?) ON CONFLICT(collection, key) DO UPDATE SET data = excluded.data',
    );
    this.dropDocument = db.prepare<[string, string]>('DELETE FROM synced_documents WHERE collection = ? AND key = ?');
    this.localKeys = db.prepare<[string], { key: string }>('SELECT key FROM sync_rows WHERE collection = ?');
    this.checksum = db.prepare<[string], { count: number; versionSum: number | null }>(
      'SELECT count(*) AS count, sum(version) AS versionSum FROM sync_rows WHERE collection = ?',
    );
    this.forgetLedger = db.prepare<[string]>('DELETE FROM greeting_ledger WHERE profile_id = ?');
    this.forgetVisits = db.prepare<[string]>('DELETE FROM visits WHERE subject = ?');
    this.batchTx = db.transaction((changes: CheckedChange[], cursor: number | undefined, result: ApplyResult) => {
      for (const change of changes) this.applyOne(change, result);
      if (cursor !== undefined) this.writeCursor.run(cursor);
    });
  }

  cursor(): number {
    return this.readCursor.get()?.version ?? 0;
  }

  /** Applies a batch of changes as they came off the wire; with a cursor, moves the cursor in the same transaction. */
  apply(changes: unknown[], cursor?: number): ApplyResult {
    const now = new Date().toISOString();
    return this.applyChecked(changes.map((change) => checkChange(change, now)), cursor);
  }

  /**
   * Applies a batch already checked by checkPage (on the sync worker thread, or here); with
   * a cursor, moves the cursor in the same transaction.
   *
   * Committed without waiting for fsync (synchronous=NORMAL for this transaction only):
   * head office keeps every change, and the cursor commits with the rows it covers, so a
   * power cut can only take the store back to an earlier consistent cursor, which pulls
   * the same changes again. The fsync per batch was a third of a first sync's time. The
   * outbox's own writes stay fully synchronous.
   */
  applyChecked(changes: CheckedChange[], cursor?: number): ApplyResult {
    const result: ApplyResult = { applied: 0, invalid: 0 };
    this.announcements = [];
    this.db.pragma('synchronous = NORMAL');
    try {
      this.batchTx(changes, cursor, result);
    } finally {
      this.db.pragma('synchronous = FULL');
    }
    for (const announce of this.announcements) announce();
    this.announcements = [];
    return result;
  }

  /** Nothing from head office here yet: the store may take a store file (store-file-install.ts). */
  isFresh(): boolean {
    return notFresh(this.db) === undefined;
  }

  /**
   * Takes head office's store file in place of pulling from cursor 0, then announces the
   * rules, playlists and catalogue it brought, as applying their changes would have.
   */
  installStoreFile(seedFile: string): InstallOutcome {
    const { checkpointer } = this.options;
    const outcome = installStoreFile(this.db.name, seedFile, { checkpoint: checkpointer === undefined });
    if (!outcome.installed) return outcome;
    if (checkpointer) this.walCheckpoint = checkpointer.start();
    const documents = loadSyncedDocuments(this.db, this.log);
    if (documents.rules) this.listener.onRules(documents.rules);
    for (const playlist of documents.playlists) this.listener.onPlaylist(playlist);
    if (documents.catalogue) this.listener.onCatalogue(documents.catalogue);
    return outcome;
  }

  /** The background write of the last store file's pages, if one was started. */
  writtenHome(): Promise<WalCheckpointOutcome> | undefined {
    return this.walCheckpoint;
  }

  localChecksum(collection: Collection): { count: number; versionSum: number } {
    const row = this.checksum.get(collection);
    return { count: row?.count ?? 0, versionSum: row?.versionSum ?? 0 };
  }

  keys(collection: Collection): Set<string> {
    return new Set(this.localKeys.all(collection).map((r) => r.key));
  }

  /** After a re-download: what head office no longer sends is no longer ours. */
  removeKeys(collection: Collection, keys: Iterable<string>): void {
    this.apply([...keys].map((key) => ({ version: 1, collection, key, op: 'delete' as const })));
  }

  private applyOne(checked: CheckedChange, result: ApplyResult): void {
    if (checked.kind === 'invalid') {
      result.invalid += 1;
      this.log.error({ key: checked.key, error: checked.reason }, 'head office sent an invalid change; skipped');
      return;
    }
    if (checked.kind === 'profile') {
      this.profiles.replaceRowFromHeadOffice(checked.profile);
      this.rowVersion.run('profiles', checked.key, checked.version);
      result.applied += 1;
      return;
    }
    const { change } = checked;
    if (change.op === 'delete') {
      this.remove(change.collection, change.key);
      this.dropRow.run(change.collection, change.key);
      result.applied += 1;
      return;
    }
    if (!this.upsert(change.collection, change.key, change.data)) {
      result.invalid += 1;
      return;
    }
    this.rowVersion.run(change.collection, change.key, change.version);
    result.applied += 1;
  }

  private upsert(collection: Collection, key: string, data: unknown): boolean {
    switch (collection) {
      case 'profiles':
        // checkChange makes every valid profile upsert a 'profile'; one cannot get here.
        this.log.error({ key }, 'unchecked profile from head office; skipped');
        return false;
      case 'rules': {
        let compiled: CompiledRuleSet;
        try {
          compiled = compileRuleSet(data);
        } catch (error) {
          // Keep running on the rules we have: a bad rule set must not silence every screen.
          this.log.error({ error: (error as Error).message }, 'invalid rule set from head office; keeping the current rules');
          return false;
        }
        this.putDocument.run(collection, key, JSON.stringify(data));
        this.announcements.push(() => this.listener.onRules(compiled));
        return true;
      }
      case 'playlists': {
        const playlist = playlistSchema.safeParse(data);
        if (!playlist.success || playlist.data.id !== key) {
          this.log.error({ key }, 'invalid playlist from head office; skipped');
          return false;
        }
        this.putDocument.run(collection, key, JSON.stringify(playlist.data));
        this.announcements.push(() => this.listener.onPlaylist(playlist.data));
        return true;
      }
      case 'catalogue': {
        const products = collectionDataSchemas.catalogue.safeParse(data);
        if (!products.success) {
          this.log.error({ key }, 'invalid catalogue from head office; keeping the current one');
          return false;
        }
        this.putDocument.run(collection, key, JSON.stringify(products.data));
        this.announcements.push(() => this.listener.onCatalogue(products.data));
        return true;
      }
    }
  }

  private remove(collection: Collection, key: string): void {
    if (collection === 'profiles') {
      // Erasure reaches the store: the profile, its identifiers, purchases (cascade), greetings and visits.
      this.profiles.delete(key);
      this.forgetLedger.run(key);
      this.forgetVisits.run(key);
      return;
    }
    this.dropDocument.run(collection, key);
    if (collection === 'playlists') this.announcements.push(() => this.listener.onPlaylistRemoved(key));
  }
}
