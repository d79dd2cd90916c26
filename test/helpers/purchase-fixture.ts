/** Past orders in a store's SQLite file, so a customer has a usual order before the test starts. */
import { join } from 'node:path';
import type { OrderLine } from '../../protocol/kiosk';
import { openDatabase } from '../../main/store/database';
import { PurchaseStore } from '../../main/orders/purchase-store';
import { StoreClock } from '../../main/decisions/local-time';

export function seedPurchases(dataDir: string, profileId: string, lines: OrderLine[], daysAgo: number[]): void {
  const db = openDatabase(join(dataDir, 'store.db'));
  const purchases = new PurchaseStore(db, new StoreClock('UTC'));
  for (const days of daysAgo) {
    purchases.record({
      orderId: `seed-${profileId}-${days}`,
      profileId,
      // The same time of day as now, so the usual order is this daypart's.
      orderedAt: new Date(Date.now() - days * 86_400_000),
      lines,
      total: 0,
      staffId: 'seed',
      screenId: 'till',
      offerId: null,
    });
  }
  db.close();
}
