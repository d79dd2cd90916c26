/**
 * The name index and the phone tails are kept by ProfileStore itself rather than by
 * triggers. A statement that fires a trigger runs in a statement savepoint, and FTS5
 * flushes its pending terms to a new segment at every savepoint: one tiny segment per
 * profile (or per identifier written after it), merged again and again. On a fresh store
 * that was 30–40 µs of each profile's 50 (2–3 µs when FTS5 is written by its own
 * statements and nothing in the transaction fires a trigger). The name delete trigger
 * stays: deletes are rare and also come by cascade.
 */
export default /* sql */ `
DROP TRIGGER profile_names_insert;
DROP TRIGGER profile_names_update;
DROP TRIGGER phone_tails_insert;
DROP TRIGGER phone_tails_delete;
`;
