/** Behaviour events uploaded by devices: each messageId once, with the skew-corrected time. */
export default /* sql */ `
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  message_id TEXT NOT NULL UNIQUE,
  device_id TEXT NOT NULL,
  store_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  event TEXT NOT NULL,
  user_id TEXT,
  anonymous_id TEXT,
  original_timestamp TEXT NOT NULL,
  sent_at TEXT,
  received_at TEXT NOT NULL,
  timestamp TEXT NOT NULL,     -- corrected: received_at - (sent_at - original_timestamp)
  payload TEXT                 -- JSON as received; NULL once its person is erased
) STRICT;
CREATE INDEX events_by_user ON events(user_id, timestamp) WHERE user_id IS NOT NULL;
CREATE INDEX events_by_anonymous ON events(anonymous_id, timestamp) WHERE anonymous_id IS NOT NULL;
`;
