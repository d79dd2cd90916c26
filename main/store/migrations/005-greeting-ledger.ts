/** What was shown to whom: caps per visit and per day, and cooldowns, are counted here. */
export default /* sql */ `
CREATE TABLE greeting_ledger (
  decision_id TEXT PRIMARY KEY,
  profile_id TEXT NOT NULL,
  rule_id TEXT NOT NULL,
  screen_id TEXT NOT NULL,
  visit_id TEXT NOT NULL,
  decided_at TEXT NOT NULL,
  shown_at TEXT
) STRICT;
CREATE INDEX greeting_ledger_by_profile ON greeting_ledger(profile_id, decided_at);
CREATE INDEX greeting_ledger_by_visit ON greeting_ledger(visit_id);
`;
