import { describe, expect, it } from 'vitest';
import { planScopeChanges, storesInScope } from './scope';

const now = new Date('2030-06-01T12:00:00.000Z');
const config = { recentVisitDays: 90 };
const daysAgo = (days: number): string => new Date(now.getTime() - days * 86_400_000).toISOString();

describe('scope', () => {
  it('holds a profile in its home store, its assigned stores and stores visited in the window', () => {
    const stores = storesInScope(
      {
        homeStoreId: 'HOME',
        homeRegionStoreIds: ['HOME', 'NEIGHBOUR'],
        assignedStoreIds: ['ASSIGNED'],
        visits: [
          { storeId: 'RECENT', lastVisitAt: daysAgo(3) },
          { storeId: 'EDGE', lastVisitAt: daysAgo(90) },
          { storeId: 'OLD', lastVisitAt: daysAgo(91) },
        ],
      },
      now,
      config,
    );
    expect([...stores].sort()).toEqual(['ASSIGNED', 'EDGE', 'HOME', 'RECENT']);
  });

  it('holds a profile in every store of its home region only when configured', () => {
    const facts = { homeStoreId: 'LDN-1', homeRegionStoreIds: ['LDN-1', 'LDN-2', 'MAN-1'], assignedStoreIds: [], visits: [] };
    expect([...storesInScope(facts, now, config)]).toEqual(['LDN-1']);
    expect([...storesInScope(facts, now, { ...config, homeRegion: true })].sort()).toEqual(['LDN-1', 'LDN-2', 'MAN-1']);
  });

  it('holds a profile nowhere without a reason', () => {
    expect(storesInScope({ homeStoreId: null, homeRegionStoreIds: [], assignedStoreIds: [], visits: [] }, now, config).size).toBe(0);
    expect(storesInScope({ homeStoreId: null, homeRegionStoreIds: [], assignedStoreIds: [], visits: [{ storeId: 'X', lastVisitAt: daysAgo(10) }] }, now, { recentVisitDays: 7 }).size).toBe(0);
  });

  it('plans upserts for every store in scope when the record changed, tombstones for stores out of it', () => {
    expect(planScopeChanges(new Set(['A', 'B']), ['B', 'C'], true)).toEqual({ upsert: ['A', 'B'], tombstone: ['C'] });
  });

  it('plans upserts only for newcomers when the record did not change', () => {
    expect(planScopeChanges(new Set(['A', 'B']), ['B', 'C'], false)).toEqual({ upsert: ['A'], tombstone: ['C'] });
    expect(planScopeChanges(new Set(['A']), ['A'], false)).toEqual({ upsert: [], tombstone: [] });
  });
});
