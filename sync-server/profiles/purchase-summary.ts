/** Folding one order into a profile's purchase summary, the way the store agent does. */
import type { PurchaseSummary } from '../../protocol/profile';
import type { OrderItem } from './profile-event';

const MAX_FAVOURITES = 50;

export function addOrder(summary: PurchaseSummary | undefined, total: number, items: OrderItem[]): PurchaseSummary {
  const current = summary ?? { favouriteItems: [], lifetimeValue: 0, orderCount: 0 };
  const counts = new Map(current.favouriteItems.map((item) => [item.sku, { ...item }]));
  for (const line of items) {
    const item = counts.get(line.sku) ?? { sku: line.sku, name: line.name, count: 0 };
    item.count += line.quantity;
    counts.set(line.sku, item);
  }
  return {
    // Most frequent first; the sku breaks ties so every replay gives the same list.
    favouriteItems: [...counts.values()].sort((a, b) => b.count - a.count || (a.sku < b.sku ? -1 : 1)).slice(0, MAX_FAVOURITES),
    // Money in whole cents, so repeated additions do not drift.
    lifetimeValue: Math.round((current.lifetimeValue + total) * 100) / 100,
    orderCount: current.orderCount + 1,
  };
}
