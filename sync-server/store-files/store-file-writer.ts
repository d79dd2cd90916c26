/**
 * Builds a store file: a fresh agent database into which a store's changes are applied by
 * the agent's own code (its migrations, ProfileStore and ChangeApplier), so the file is
 * exactly what a device that pulled every one of those changes would hold, down to the
 * name index. Head office runs it on a worker thread (store-file-build-worker.ts).
 */
import { rmSync } from 'node:fs';
import type { Logger } from '../../main/log/logger';
import { openDatabase, schemaVersion, type Db } from '../../main/store/database';
import { ProfileStore } from '../../main/store/profile-store';
import { ChangeApplier } from '../../main/sync/change-applier';
import { decodeChanges } from '../../protocol/sync';

export interface WrittenStoreFile {
  /** The cursor the file covers. */
  version: number;
  profiles: number;
  schema: number;
  /** Changes head office sent that the agent's code refused (logged); a device pulling pages would refuse them too. */
  invalid: number;
}

/** Nothing listens: rules and playlists are announced by the device that takes the file. */
const NO_LISTENER = { onRules: () => undefined, onPlaylist: () => undefined, onPlaylistRemoved: () => undefined, onCatalogue: () => undefined };

export class StoreFileWriter {
  private readonly db: Db;
  private readonly profiles: ProfileStore;
  private readonly applier: ChangeApplier;
  private invalid = 0;

  constructor(
    readonly file: string,
    log: Logger,
  ) {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
    this.db = openDatabase(file);
    this.profiles = new ProfileStore(this.db);
    this.applier = new ChangeApplier(this.db, this.profiles, NO_LISTENER, log);
  }

  /** A page of changes (PullResponse.changesJson) in version order; `cursor` is its last version. */
  apply(changesJson: Uint8Array, cursor: number): void {
    this.invalid += this.applier.apply(decodeChanges(changesJson), cursor).invalid;
  }

  /** Closes the file as one self-contained database (no WAL beside it), ready to send. */
  finish(): WrittenStoreFile {
    const written = { version: this.applier.cursor(), profiles: this.profiles.countProfiles(), schema: schemaVersion(this.db), invalid: this.invalid };
    this.db.pragma('journal_mode = DELETE');
    this.db.close();
    return written;
  }

  /** Gives up: the half-built file is removed. */
  abandon(): void {
    if (this.db.open) this.db.close();
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${this.file}${suffix}`, { force: true });
  }
}
