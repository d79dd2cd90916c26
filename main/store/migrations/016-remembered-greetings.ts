/**
 * When each rule last greeted the person in any store, as head office merged it
 * (protocol/profile.ts, greetings): JSON, NULL when none. The store's own greetings stay in
 * greeting_ledger; this adds the other stores' to a rule's cooldown and daily cap.
 */
export default /* sql */ `
ALTER TABLE profiles ADD COLUMN greetings TEXT;
`;
