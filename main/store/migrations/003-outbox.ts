/**
 * Behaviour events waiting for head office. Never cleared at start; a row leaves only
 * after the server acknowledged its message_id (the sync issue), which it deduplicates on.
 */
export default /* sql */ `
CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  message_id TEXT NOT NULL UNIQUE,
  event TEXT NOT NULL,
  payload TEXT NOT NULL,    -- the whole Segment-style envelope, JSON
  created_at TEXT NOT NULL,
  sent_at TEXT
) STRICT;
CREATE INDEX outbox_pending ON outbox(seq) WHERE sent_at IS NULL;
`;
