/** One profile, many identifiers; a (kind, value) pair belongs to one profile only. */
export default /* sql */ `
CREATE TABLE identifiers (
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
  PRIMARY KEY (kind, value)
) STRICT, WITHOUT ROWID;
CREATE INDEX identifiers_by_profile ON identifiers(profile_id);
`;
