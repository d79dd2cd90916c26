/**
 * The unified profiles, their identifier graph, and the facts that decide which stores
 * hold each one (home store on the profile, assignments, recent visits).
 */
export default /* sql */ `
CREATE TABLE profiles (
  id TEXT PRIMARY KEY,
  home_store_id TEXT REFERENCES stores(id),
  fields TEXT NOT NULL,      -- JSON: the protocol profile without id and identifiers
  clocks TEXT NOT NULL,      -- JSON: field path -> HLC of the write that set it
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE identifiers (
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
  PRIMARY KEY (kind, value)
) STRICT, WITHOUT ROWID;
CREATE INDEX identifiers_by_profile ON identifiers(profile_id);

-- Two profiles claiming one identifier: recorded for the merge work, never merged here.
CREATE TABLE identifier_conflicts (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  owner_profile_id TEXT NOT NULL,
  claimant_profile_id TEXT NOT NULL,
  message_id TEXT,
  device_id TEXT,
  store_id TEXT,
  recorded_at TEXT NOT NULL
) STRICT;
CREATE INDEX identifier_conflicts_by_owner ON identifier_conflicts(owner_profile_id);
CREATE INDEX identifier_conflicts_by_claimant ON identifier_conflicts(claimant_profile_id);

-- An anonymous id (a beacon) whose earlier history belongs to a profile (Segment's alias).
CREATE TABLE profile_aliases (
  anonymous_id TEXT PRIMARY KEY,
  profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
  linked_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX profile_aliases_by_profile ON profile_aliases(profile_id);

CREATE TABLE store_assignments (
  store_id TEXT NOT NULL REFERENCES stores(id),
  profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
  assigned_at TEXT NOT NULL,
  PRIMARY KEY (profile_id, store_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE store_visits (
  profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
  store_id TEXT NOT NULL REFERENCES stores(id),
  last_visit_at TEXT NOT NULL,   -- ISO 8601 UTC, so text order is time order
  PRIMARY KEY (profile_id, store_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX store_visits_by_time ON store_visits(last_visit_at);

-- Erased ids only (random, not personal): a late event must not bring the person back.
CREATE TABLE erased_profiles (
  id TEXT PRIMARY KEY,
  erased_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;
`;
