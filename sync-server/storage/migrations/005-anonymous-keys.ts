/**
 * Events are found by anonymous id through a small integer key instead of the id's text.
 *
 * An upload lands in the anonymous-id index at one place per beacon in it, and each place
 * is a page its commit rewrites. With the id's text (a beacon's is about 50 characters)
 * and the timestamp (24) in every entry, the index had several times the pages it has
 * with an integer key, so more of them were rewritten and fewer stayed in the page cache.
 * Measured with SQLite alone on the 2-core host of BENCHMARKS.md, in 1,000-row
 * transactions into a table of 400,000 to 800,000 rows from 5,000 beacons: 36-41k rows/s
 * with the text index, 59-66k with the key (89-95k with no such index at all). The
 * timeline sorts by time itself, so the index needs no timestamp. The id's text stays in
 * the row for reading; `anonymous_ids` gives each id its key once.
 */
export default /* sql */ `
CREATE TABLE anonymous_ids (
  key INTEGER PRIMARY KEY,
  anonymous_id TEXT NOT NULL UNIQUE
) STRICT;
INSERT INTO anonymous_ids (anonymous_id)
  SELECT DISTINCT anonymous_id FROM events WHERE anonymous_id IS NOT NULL;
-- No REFERENCES: the key is taken in the insert's own transaction, and a foreign-key check
-- would add a lookup to every insert.
ALTER TABLE events ADD COLUMN anonymous_key INTEGER;
UPDATE events SET anonymous_key = (SELECT key FROM anonymous_ids WHERE anonymous_ids.anonymous_id = events.anonymous_id)
  WHERE anonymous_id IS NOT NULL;
DROP INDEX events_by_anonymous;
CREATE INDEX events_by_anonymous ON events(anonymous_key) WHERE anonymous_key IS NOT NULL;
`;
