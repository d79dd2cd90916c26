/** Orders confirmed at this store's tills, read back for the usual order. */
import type { OrderLine } from '../../protocol/kiosk';
import type { Db } from '../store/database';
import type { StoreClock } from '../decisions/local-time';
import type { PastOrder } from './usual-order';

export interface PurchaseRecord {
  orderId: string;
  profileId: string | null;
  orderedAt: Date;
  lines: OrderLine[];
  total: number;
  staffId: string;
  screenId: string;
  offerId: string | null;
}

export class PurchaseStore {
  private readonly insert;
  private readonly recent;

  constructor(
    db: Db,
    private readonly clock: StoreClock,
  ) {
    this.insert = db.prepare(
      'INSERT INTO purchases (order_id, profile_id, ordered_at, lines, total, staff_id, screen_id, offer_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.recent = db.prepare<[string, number], { ordered_at: string; lines: string }>(
      'SELECT ordered_at, lines FROM purchases WHERE profile_id = ? ORDER BY ordered_at DESC LIMIT ?',
    );
  }

  record(purchase: PurchaseRecord): void {
    this.insert.run(
      purchase.orderId, purchase.profileId, purchase.orderedAt.toISOString(), JSON.stringify(purchase.lines),
      purchase.total, purchase.staffId, purchase.screenId, purchase.offerId,
    );
  }

  /** The latest orders first; 60 covers two months of daily visits, which is all the usual order looks at. */
  history(profileId: string, limit = 60): PastOrder[] {
    return this.recent.all(profileId, limit).map((row) => {
      const orderedAt = new Date(row.ordered_at);
      return { orderedAt, localHour: this.clock.local(orderedAt).hour, lines: JSON.parse(row.lines) as OrderLine[] };
    });
  }
}
