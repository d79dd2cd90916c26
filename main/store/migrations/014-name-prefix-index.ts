/**
 * Name search prefix indexes for 1 to 4 characters: "Maya O" (a one-letter last name)
 * and four-letter prefixes read whole doclists without them (p99 17 ms on 1,000,000
 * profiles, BENCHMARKS.md). The triggers of 009 write to the table by name and keep working.
 */
export default /* sql */ `
DROP TABLE profile_names;
CREATE VIRTUAL TABLE profile_names USING fts5(names, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3 4');
INSERT INTO profile_names(rowid, names) SELECT rowid, first_name || ' ' || coalesce(last_name, '') FROM profiles;
`;
