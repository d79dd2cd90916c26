/**
 * When the customer was last in, as staff would say it: "today", "yesterday", "42 days
 * ago", "never". Whole days, as the agent counts them: staff want a feel for how long it
 * has been, and a number of days is what a "lapsed customer" offer is judged on.
 */
export function lastVisitWords(daysSinceLastVisit: number | null): string {
  if (daysSinceLastVisit === null || !Number.isFinite(daysSinceLastVisit)) return 'never';
  // A clock a little ahead of the agent's must not make it "-1 days ago".
  const days = Math.max(0, Math.floor(daysSinceLastVisit));
  if (days === 0) return 'today';
  if (days === 1) return 'yesterday';
  return `${days.toLocaleString('en-GB')} days ago`;
}
