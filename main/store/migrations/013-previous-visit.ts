/**
 * The visit before the current one. Recognition moves last_visit_at to now on arrival;
 * staff opening the card a minute later still need "42 days ago", and so do the offers.
 */
export default /* sql */ `
ALTER TABLE profiles ADD COLUMN previous_visit_at TEXT;
`;
