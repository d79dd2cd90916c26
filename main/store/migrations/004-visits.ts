/** A store visit: from first seen near any screen until absent for the visit gap. */
export default /* sql */ `
CREATE TABLE visits (
  id TEXT PRIMARY KEY,
  subject TEXT NOT NULL,    -- profile id when known, else the anonymous beacon id
  started_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL
) STRICT;
CREATE INDEX visits_by_subject ON visits(subject, last_seen_at);
`;
