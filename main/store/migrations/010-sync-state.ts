/**
 * Where this store is in head office's change stream: the cursor (moved in the same
 * transaction that applies a batch) and each synced row's version, for checksums.
 */
export default /* sql */ `
CREATE TABLE sync_cursor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
) STRICT;
INSERT INTO sync_cursor (id, version) VALUES (1, 0);
CREATE TABLE sync_rows (
  collection TEXT NOT NULL,
  key TEXT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (collection, key)
) STRICT, WITHOUT ROWID;
CREATE TABLE synced_documents (
  collection TEXT NOT NULL,
  key TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (collection, key)
) STRICT, WITHOUT ROWID;
`;
