/**
 * The profile's remembered greetings (protocol/profile.ts): the newest time per rule, newest
 * first, as many rules as the protocol allows. Merging is order-free: a greeting uploaded
 * late (a store that was offline) neither moves a rule back in time nor pushes out a newer one.
 */
import { MAX_REMEMBERED_GREETINGS, type RememberedGreeting } from '../../protocol/profile';

/** The list with this greeting in it; the same list (===) when it changes nothing. */
export function rememberGreeting(greetings: readonly RememberedGreeting[], ruleId: string, shownAt: Date): RememberedGreeting[] {
  const current = greetings.find((g) => g.ruleId === ruleId);
  if (current && Date.parse(current.shownAt) >= shownAt.getTime()) return greetings as RememberedGreeting[];
  const kept = newestFirst([{ ruleId, shownAt: shownAt.toISOString() }, ...greetings.filter((g) => g.ruleId !== ruleId)]).slice(0, MAX_REMEMBERED_GREETINGS);
  return kept.some((g) => g.ruleId === ruleId) ? kept : (greetings as RememberedGreeting[]);
}

/** The order the profile keeps them in. */
export function newestFirst(greetings: readonly RememberedGreeting[]): RememberedGreeting[] {
  return [...greetings].sort((a, b) => Date.parse(b.shownAt) - Date.parse(a.shownAt));
}
