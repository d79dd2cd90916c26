/**
 * A store's first sync writes its profiles without the name index and the phone tails and
 * builds them at the end (ProfileStore.deferSearchIndex / buildDeferredSearchIndex): kept
 * profile by profile, FTS5 was about a third of each profile's write on a fresh store. A
 * row here means the index is deferred; `indexed_up_to` is the profiles rowid the build has
 * reached, committed with each step, so a build cut short resumes where it stopped.
 */
export default /* sql */ `
CREATE TABLE search_index_deferred (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  since TEXT NOT NULL,
  indexed_up_to INTEGER NOT NULL DEFAULT 0
) STRICT;
`;
