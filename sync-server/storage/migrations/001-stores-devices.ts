/** Stores, their devices, and the one-time codes that pair a device to its store. */
export default /* sql */ `
CREATE TABLE stores (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  region TEXT,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE devices (
  id TEXT PRIMARY KEY,
  store_id TEXT NOT NULL REFERENCES stores(id),
  name TEXT NOT NULL,
  reported_name TEXT,
  app_version TEXT,
  credential_hash TEXT,     -- sha256 hex of the device's secret; NULL until paired
  created_at TEXT NOT NULL,
  paired_at TEXT,
  revoked_at TEXT,
  last_seen_at TEXT,
  last_cursor INTEGER,      -- the cursor the device last said it had applied
  events_received INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX devices_by_store ON devices(store_id);

-- Only a keyed hash of each code: a copy of the database does not pair anything.
CREATE TABLE pairing_codes (
  code_hash TEXT PRIMARY KEY,
  device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
) STRICT;
CREATE INDEX pairing_codes_by_device ON pairing_codes(device_id);
`;
