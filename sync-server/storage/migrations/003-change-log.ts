/**
 * The change log devices pull. One row per (store, collection, key): a newer change
 * replaces the older row (delete + insert, so it gets a new version), which keeps a
 * snapshot at exactly one row per live key and never replays history.
 */
export default /* sql */ `
CREATE TABLE changes (
  version INTEGER PRIMARY KEY AUTOINCREMENT,   -- never reused, so cursors only move forward
  store_id TEXT NOT NULL,                      -- '*' = every store (NULLs would not be UNIQUE)
  collection TEXT NOT NULL,
  key TEXT NOT NULL,
  op TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
  data TEXT,                                   -- JSON; NULL for a tombstone
  UNIQUE (store_id, collection, key)
) STRICT;
-- A pull: one store's changes after a cursor, in order.
CREATE INDEX changes_by_store ON changes(store_id, version);
-- A one-collection pull and the checksum, from the index alone.
CREATE INDEX changes_by_collection ON changes(store_id, collection, version, op);
-- Which stores hold a key (a profile edit reaches each of them).
CREATE INDEX changes_by_key ON changes(collection, key, op);
`;
