/** Rules, playlists and the catalogue as head office last sent them, read at start so they hold offline too. */
import { z } from 'zod';
import { playlistSchema, type Playlist } from '../../protocol/bridge';
import { productSchema, type Product } from '../../protocol/kiosk';
import { compileRuleSet, type CompiledRuleSet } from '../decisions/rule-set';
import type { Db } from '../store/database';
import type { Logger } from '../log/logger';

export interface SyncedDocuments {
  rules: CompiledRuleSet | undefined;
  playlists: Playlist[];
  catalogue: Product[] | undefined;
}

export function loadSyncedDocuments(db: Db, log: Logger): SyncedDocuments {
  const rows = db.prepare<[], { collection: string; key: string; data: string }>('SELECT collection, key, data FROM synced_documents').all();
  const documents: SyncedDocuments = { rules: undefined, playlists: [], catalogue: undefined };
  for (const row of rows) {
    try {
      const data: unknown = JSON.parse(row.data);
      if (row.collection === 'rules') documents.rules = compileRuleSet(data);
      else if (row.collection === 'playlists') documents.playlists.push(playlistSchema.parse(data));
      else if (row.collection === 'catalogue') documents.catalogue = z.array(productSchema).parse(data);
    } catch (error) {
      log.error({ collection: row.collection, key: row.key, error: (error as Error).message }, 'stored document from head office is unreadable; using defaults');
    }
  }
  return documents;
}
