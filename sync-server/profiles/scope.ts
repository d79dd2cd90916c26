/**
 * Which stores hold a profile. A store holds the people it serves: those whose home store
 * it is, those assigned to it at head office, those who visited it in the last N days
 * (visits come from uploaded events), and, when configured, those whose home store is in
 * its region. Everyone else's profile stays at head office.
 */
import type { ScopeFacts } from '../storage/sync-storage';

export interface ScopeConfig {
  recentVisitDays: number;
  /** The other stores of the home store's region hold the profile too. */
  homeRegion?: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function visitCutoff(now: Date, config: ScopeConfig): Date {
  return new Date(now.getTime() - config.recentVisitDays * DAY_MS);
}

export function storesInScope(facts: ScopeFacts, now: Date, config: ScopeConfig): Set<string> {
  const stores = new Set<string>(facts.assignedStoreIds);
  if (facts.homeStoreId !== null) stores.add(facts.homeStoreId);
  if (config.homeRegion) for (const store of facts.homeRegionStoreIds) stores.add(store);
  const cutoff = visitCutoff(now, config).getTime();
  for (const visit of facts.visits) if (Date.parse(visit.lastVisitAt) >= cutoff) stores.add(visit.storeId);
  return stores;
}

export interface ScopePlan {
  upsert: string[];
  tombstone: string[];
}

/**
 * The change rows that bring the stores in line: the new golden record to every store in
 * scope (only to newcomers when it did not change), a tombstone to every store that holds
 * the profile but no longer should.
 */
export function planScopeChanges(inScope: ReadonlySet<string>, holders: Iterable<string>, recordChanged: boolean): ScopePlan {
  const held = new Set(holders);
  const upsert = [...inScope].filter((store) => recordChanged || !held.has(store)).sort();
  const tombstone = [...held].filter((store) => !inScope.has(store)).sort();
  return { upsert, tombstone };
}
