/**
 * Per-field last-writer-wins on hybrid logical clocks. The rule, for every profile field:
 *
 * - A *set* (an admin edit, an enrolment's name or consents) replaces the field only if its
 *   clock is newer than the clock of the set that wrote the field last; the field then
 *   takes the set's clock. Equal clocks are the same write, so nothing changes.
 * - A *delta* (a visit's +1, an order's points and purchases, a linked identifier, a later
 *   lastVisitAt) applies only if its clock is newer than the field's last set, and leaves
 *   the field's clock alone: deltas after a set all count, whatever order they arrive in,
 *   and a delta older than a set is already part of the value that set wrote.
 *
 * Clocks: an admin edit gets the server's HLC after observing every clock on the profile
 * (so it wins over everything head office has seen); an event gets its skew-corrected
 * time with the device's seq and id (profiles/event-clock.ts). Ties are broken by node id,
 * so every replica of this rule picks the same winner.
 */
import type { FieldClocks } from '../storage/sync-storage';

/** Field paths that carry a clock; consents are one per purpose, each asked separately. */
export const CLOCKED_FIELDS = [
  'firstName', 'lastName', 'birthday', 'memberSince', 'tier', 'points', 'lastVisitAt', 'visitCount',
  'purchaseSummary', 'allergies', 'preferences', 'consents.greetPublic', 'consents.personalisedOffers',
  'consents.tracking', 'identifiers', 'greetings',
] as const;
export type ClockedField = (typeof CLOCKED_FIELDS)[number];

/** Encoded HLCs compare as strings (clock/hlc.ts). */
export function isNewerThanField(clocks: FieldClocks, field: ClockedField, clock: string): boolean {
  const current = clocks[field];
  return current === undefined || clock > current;
}

/** Runs a set if it wins: `write` changes the value, the field takes the clock. */
export function lwwSet(clocks: FieldClocks, field: ClockedField, clock: string, write: () => void): boolean {
  if (!isNewerThanField(clocks, field, clock)) return false;
  write();
  clocks[field] = clock;
  return true;
}

/** Runs a delta if it is newer than the field's last set; the clock stays. */
export function lwwDelta(clocks: FieldClocks, field: ClockedField, clock: string, apply: () => boolean): boolean {
  if (!isNewerThanField(clocks, field, clock)) return false;
  return apply();
}

/** The newest clock on the profile, for the server's HLC to observe before an admin edit. */
export function newestClock(clocks: FieldClocks): string | undefined {
  let newest: string | undefined;
  for (const clock of Object.values(clocks)) if (newest === undefined || clock > newest) newest = clock;
  return newest;
}
