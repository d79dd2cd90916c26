/** Profiles as the store holds them: only what recognition, greeting and the counter need. */
export default /* sql */ `
CREATE TABLE profiles (
  id TEXT PRIMARY KEY,
  first_name TEXT NOT NULL,
  last_name TEXT,
  birthday TEXT,            -- 'YYYY-MM-DD' or '--MM-DD'
  member_since TEXT,
  tier TEXT,
  points INTEGER NOT NULL DEFAULT 0,
  last_visit_at TEXT,       -- ISO 8601
  visit_count INTEGER NOT NULL DEFAULT 0,
  purchase_summary TEXT,    -- JSON (protocol/profile.ts PurchaseSummary)
  consent_greet_public INTEGER NOT NULL DEFAULT 0,
  consent_personalised_offers INTEGER NOT NULL DEFAULT 0,
  consent_tracking INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL
) STRICT;
`;
