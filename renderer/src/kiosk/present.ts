import type { PresentCustomer } from '../../../protocol/kiosk';

/**
 * Event payloads cross a process boundary unchecked; an entry the list cannot key or
 * show is left out rather than shown half-formed, and the rest of the list still shows.
 */
function isPresentCustomer(value: unknown): value is PresentCustomer {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  const known = c.kind === 'known' && typeof c.profileId === 'string' && c.profileId !== '';
  const anonymous = c.kind === 'anonymous' && typeof c.beaconId === 'string' && c.beaconId !== '';
  return typeof c.key === 'string' && c.key !== '' && typeof c.since === 'string' && (known || anonymous);
}

/** Newest arrival first; one row per key (the newest), so a list that repeats someone shows them once. */
export function newestFirst(customers: readonly PresentCustomer[]): PresentCustomer[] {
  const at = (c: PresentCustomer): number => {
    const t = Date.parse(c.since);
    return Number.isNaN(t) ? -Infinity : t;
  };
  const sorted = [...customers].sort((a, b) => at(b) - at(a));
  const seen = new Set<string>();
  return sorted.filter((c) => !seen.has(c.key) && seen.add(c.key));
}

/** Reads a list the agent sent: the customers, newest first, or null when it is not this screen's or not a list. */
export function presentList(payload: unknown, screenId: string | null): PresentCustomer[] | null {
  const list = screenId === null ? payload : presentEventList(payload, screenId);
  if (!Array.isArray(list)) return null;
  return newestFirst(list.filter(isPresentCustomer));
}

function presentEventList(payload: unknown, screenId: string): unknown {
  if (typeof payload !== 'object' || payload === null) return null;
  const p = payload as Record<string, unknown>;
  return p.screenId === screenId ? p.customers : null;
}
