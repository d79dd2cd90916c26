/**
 * A person's usual order, from their purchase history: what they order at this time of
 * day (morning coffee is not the lunch order), with recent orders counting more, so a
 * changed habit wins within a couple of visits.
 *
 * Written here rather than taken from a library: it is a small, product-specific scoring
 * rule (recency-weighted vote per daypart), not a general algorithm.
 */
import type { Daypart, OrderLine } from '../../protocol/kiosk';

export interface PastOrder {
  orderedAt: Date;
  /** The store's local hour when it was ordered. */
  localHour: number;
  lines: OrderLine[];
}

export interface UsualOrderChoice {
  lines: OrderLine[];
  daypart: Daypart;
  basis: string;
}

/** Half-life of an order's weight: a month-old habit counts a quarter of today's. */
const HALF_LIFE_DAYS = 14;
const DAY_MS = 86_400_000;

export function daypartOf(hour: number): Daypart {
  if (hour < 11) return 'morning';
  if (hour < 14) return 'midday';
  if (hour < 17) return 'afternoon';
  return 'evening';
}

const DAYPART_WORDS: Record<Daypart, [string, string]> = {
  morning: ['morning', 'mornings'],
  midday: ['lunchtime', 'lunchtimes'],
  afternoon: ['afternoon', 'afternoons'],
  evening: ['evening', 'evenings'],
};

/** Lines with the same product and options merged, in a fixed order: the canonical form of an order. */
function canonicalLines(lines: readonly OrderLine[]): OrderLine[] {
  const merged = new Map<string, OrderLine>();
  for (const line of lines) {
    const modifiers = [...new Set(line.modifiers)].sort();
    const key = JSON.stringify([line.sku, modifiers]);
    const existing = merged.get(key);
    if (existing) existing.quantity += line.quantity;
    else merged.set(key, { sku: line.sku, quantity: line.quantity, modifiers });
  }
  return [...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, line]) => line);
}

/** Two orders are the same order when they have the same items, quantities and options, in any order. */
export function orderSignature(lines: readonly OrderLine[]): string {
  return JSON.stringify(canonicalLines(lines));
}

export function usualOrder(history: readonly PastOrder[], now: Date, localHour: number): UsualOrderChoice | null {
  const daypart = daypartOf(localHour);
  const sameDaypart = history.filter((o) => daypartOf(o.localHour) === daypart && o.orderedAt <= now);
  const pool = sameDaypart.length > 0 ? sameDaypart : history.filter((o) => o.orderedAt <= now);
  if (pool.length === 0) return null;
  const byRecency = [...pool].sort((a, b) => b.orderedAt.getTime() - a.orderedAt.getTime());

  const scores = new Map<string, { weight: number; count: number; latest: number; lines: OrderLine[] }>();
  for (const order of byRecency) {
    const signature = orderSignature(order.lines);
    const ageDays = (now.getTime() - order.orderedAt.getTime()) / DAY_MS;
    const entry = scores.get(signature) ?? { weight: 0, count: 0, latest: order.orderedAt.getTime(), lines: order.lines };
    entry.weight += 0.5 ** (ageDays / HALF_LIFE_DAYS);
    entry.count += 1;
    scores.set(signature, entry);
  }
  let best: [string, { weight: number; count: number; latest: number; lines: OrderLine[] }] | undefined;
  for (const candidate of scores) {
    if (
      !best ||
      candidate[1].weight > best[1].weight + 1e-9 ||
      // A tie goes to the order placed most recently.
      (Math.abs(candidate[1].weight - best[1].weight) <= 1e-9 && candidate[1].latest > best[1].latest)
    ) {
      best = candidate;
    }
  }
  // A changed habit: the two latest orders agree on something new, so that is the usual order now.
  const [latest, previous] = byRecency;
  if (latest && previous && orderSignature(latest.lines) === orderSignature(previous.lines)) {
    best = [orderSignature(latest.lines), scores.get(orderSignature(latest.lines))!];
  }
  const [, chosen] = best!;
  const words = DAYPART_WORDS[daypart];
  const basis =
    sameDaypart.length > 0
      ? `usual ${words[0]} order (${chosen.count} of the last ${pool.length} ${pool.length === 1 ? words[0] : words[1]})`
      : `usual order (${chosen.count} of ${pool.length}; none yet at this time of day)`;
  return { lines: canonicalLines(chosen.lines), daypart, basis };
}
