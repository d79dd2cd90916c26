/** Orders confirmed at the till: the usual order is computed from these. */
export default /* sql */ `
CREATE TABLE purchases (
  order_id TEXT PRIMARY KEY,
  profile_id TEXT REFERENCES profiles(id) ON DELETE CASCADE,
  ordered_at TEXT NOT NULL,
  lines TEXT NOT NULL,      -- JSON: [{sku, quantity, modifiers}]
  total INTEGER NOT NULL,
  staff_id TEXT NOT NULL,
  screen_id TEXT NOT NULL,
  offer_id TEXT
) STRICT;
CREATE INDEX purchases_by_profile ON purchases(profile_id, ordered_at);
`;
