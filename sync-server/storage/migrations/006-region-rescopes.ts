/**
 * Region scope work that must finish even across a crash (profiles/region-rescopes.ts): a
 * region whose profiles are being brought in line, and how far it got, committed with each
 * page of changes; and the scope setting the stores were last brought in line with.
 */
export default /* sql */ `
CREATE TABLE region_rescopes (
  region TEXT PRIMARY KEY,
  after_id TEXT NOT NULL DEFAULT '',   -- the last profile id done, in id order
  requested_at TEXT NOT NULL
) STRICT;

CREATE TABLE server_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
`;
