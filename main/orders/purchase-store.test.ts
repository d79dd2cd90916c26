import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../store/database';
import { ProfileStore } from '../store/profile-store';
import { StoreClock } from '../decisions/local-time';
import { PurchaseStore, type PurchaseRecord } from './purchase-store';

const CONSENTS = { greetPublic: false, personalisedOffers: false, tracking: false };

function purchase(orderId: string, profileId: string | null, iso: string, sku = 'latte'): PurchaseRecord {
  return {
    orderId, profileId, orderedAt: new Date(iso), lines: [{ sku, quantity: 1, modifiers: [] }],
    total: 350, staffId: 'staff-1', screenId: 'kiosk-1', offerId: null,
  };
}

describe('PurchaseStore', () => {
  let dir: string;
  let db: Db;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'soo-purchases-'));
    db = openDatabase(join(dir, 'store.db'));
    const profiles = new ProfileStore(db);
    for (const id of ['p-1', 'p-2']) {
      profiles.save({ id, firstName: id, points: 0, visitCount: 0, consents: CONSENTS, identifiers: [] });
    }
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a profile\'s orders back latest first, with the store-local hour, and only theirs', () => {
    const store = new PurchaseStore(db, new StoreClock('Europe/London'));
    store.record(purchase('o-1', 'p-1', '2026-07-01T07:30:00.000Z', 'latte'));
    store.record(purchase('o-2', 'p-1', '2026-07-03T11:15:00.000Z', 'soup'));
    store.record(purchase('o-3', 'p-1', '2026-07-02T16:05:00.000Z', 'tea'));
    store.record(purchase('o-4', 'p-2', '2026-07-04T08:00:00.000Z', 'water'));
    store.record(purchase('o-5', null, '2026-07-04T09:00:00.000Z', 'water'));

    const history = store.history('p-1');
    expect(history.map((o) => o.lines[0]!.sku)).toEqual(['soup', 'tea', 'latte']);
    expect(history.map((o) => o.orderedAt.toISOString())).toEqual([
      '2026-07-03T11:15:00.000Z', '2026-07-02T16:05:00.000Z', '2026-07-01T07:30:00.000Z',
    ]);
    // British Summer Time: an hour ahead of UTC.
    expect(history.map((o) => o.localHour)).toEqual([12, 17, 8]);
    expect(history[0]!.lines).toEqual([{ sku: 'soup', quantity: 1, modifiers: [] }]);
    expect(store.history('p-2').map((o) => o.lines[0]!.sku)).toEqual(['water']);
  });

  it('keeps the latest `limit` orders', () => {
    const store = new PurchaseStore(db, new StoreClock('UTC'));
    for (let day = 1; day <= 9; day++) store.record(purchase(`o-${day}`, 'p-1', `2026-03-0${day}T08:00:00.000Z`));
    const history = store.history('p-1', 3);
    expect(history.map((o) => o.orderedAt.getUTCDate())).toEqual([9, 8, 7]);
    expect(store.history('p-1')).toHaveLength(9);
  });

  it('stores the whole record, walk-ins without a profile', () => {
    const store = new PurchaseStore(db, new StoreClock('UTC'));
    store.record({ ...purchase('o-1', null, '2026-03-01T08:00:00.000Z'), offerId: 'gold-upgrade', total: 1040 });
    expect(db.prepare('SELECT * FROM purchases').all()).toEqual([
      {
        order_id: 'o-1', profile_id: null, ordered_at: '2026-03-01T08:00:00.000Z',
        lines: JSON.stringify([{ sku: 'latte', quantity: 1, modifiers: [] }]), total: 1040,
        staff_id: 'staff-1', screen_id: 'kiosk-1', offer_id: 'gold-upgrade',
      },
    ]);
  });

  it('refuses a second record with the same order id', () => {
    const store = new PurchaseStore(db, new StoreClock('UTC'));
    store.record(purchase('o-1', 'p-1', '2026-03-01T08:00:00.000Z'));
    expect(() => store.record(purchase('o-1', 'p-1', '2026-03-02T08:00:00.000Z'))).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(store.history('p-1')).toHaveLength(1);
  });
});
