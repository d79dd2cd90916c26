import { describe, expect, it } from 'vitest';
import type { OrderLine } from '../../protocol/kiosk';
import { StoreClock } from '../decisions/local-time';
import { daypartOf, orderSignature, usualOrder, type PastOrder } from './usual-order';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Tuesday 10 March 2026, 08:30 UTC: the store's clock is UTC in these tests. */
const NOW = new Date('2026-03-10T08:30:00.000Z');
const clock = new StoreClock('UTC');

const FLAT_WHITE: OrderLine[] = [{ sku: 'flat-white', quantity: 1, modifiers: ['oat'] }];
const LATTE: OrderLine[] = [{ sku: 'latte', quantity: 1, modifiers: [] }];
const SOUP: OrderLine[] = [{ sku: 'soup', quantity: 1, modifiers: ['bread'] }];
const CROISSANT: OrderLine[] = [{ sku: 'croissant', quantity: 1, modifiers: ['warm'] }];

/** An order `daysAgo` days before NOW, at the given UTC (= store) time of that day. */
function order(lines: OrderLine[], daysAgo: number, time = '08:00', extraMs = 0): PastOrder {
  const day = new Date(NOW.getTime() - daysAgo * DAY_MS).toISOString().slice(0, 10);
  const orderedAt = new Date(new Date(`${day}T${time}:00.000Z`).getTime() + extraMs);
  return { orderedAt, localHour: clock.local(orderedAt).hour, lines };
}

function at(iso: string): { now: Date; hour: number } {
  const now = new Date(iso);
  return { now, hour: clock.local(now).hour };
}

describe('daypartOf', () => {
  it('puts the boundaries where the kiosk expects them (store-local wall clock)', () => {
    const cases: Array<[string, string]> = [
      ['2026-03-10T00:00:00Z', 'morning'],
      ['2026-03-10T10:59:59Z', 'morning'],
      ['2026-03-10T11:00:00Z', 'midday'],
      ['2026-03-10T13:59:00Z', 'midday'],
      ['2026-03-10T14:00:00Z', 'afternoon'],
      ['2026-03-10T16:59:00Z', 'afternoon'],
      ['2026-03-10T17:00:00Z', 'evening'],
      ['2026-03-10T23:59:00Z', 'evening'],
    ];
    for (const [iso, expected] of cases) expect([iso, daypartOf(clock.local(new Date(iso)).hour)]).toEqual([iso, expected]);
  });

  it('follows the store time zone, not UTC', () => {
    // 10:30 UTC in July is 11:30 in London (BST): lunchtime there.
    const london = new StoreClock('Europe/London');
    expect(daypartOf(london.local(new Date('2026-07-01T10:30:00Z')).hour)).toBe('midday');
    expect(daypartOf(clock.local(new Date('2026-07-01T10:30:00Z')).hour)).toBe('morning');
  });

  it('tells usualOrder which daypart it is choosing for', () => {
    const history = [order(FLAT_WHITE, 1)];
    expect(usualOrder(history, NOW, 10)?.daypart).toBe('morning');
    expect(usualOrder(history, NOW, 11)?.daypart).toBe('midday');
    expect(usualOrder(history, NOW, 13)?.daypart).toBe('midday');
    expect(usualOrder(history, NOW, 14)?.daypart).toBe('afternoon');
    expect(usualOrder(history, NOW, 16)?.daypart).toBe('afternoon');
    expect(usualOrder(history, NOW, 17)?.daypart).toBe('evening');
  });
});

describe('orderSignature', () => {
  it('is the same for the same items in a different line order', () => {
    expect(orderSignature([...FLAT_WHITE, ...CROISSANT])).toBe(orderSignature([...CROISSANT, ...FLAT_WHITE]));
  });

  it('merges split lines of the same item and options into one', () => {
    expect(orderSignature([{ sku: 'latte', quantity: 1, modifiers: ['oat'] }, { sku: 'latte', quantity: 1, modifiers: ['oat'] }])).toBe(
      orderSignature([{ sku: 'latte', quantity: 2, modifiers: ['oat'] }]),
    );
  });

  it('ignores the order and repetition of modifiers', () => {
    expect(orderSignature([{ sku: 'latte', quantity: 1, modifiers: ['vanilla', 'oat', 'oat'] }])).toBe(
      orderSignature([{ sku: 'latte', quantity: 1, modifiers: ['oat', 'vanilla'] }]),
    );
  });

  it('tells apart quantities, options and items', () => {
    const one = orderSignature([{ sku: 'latte', quantity: 1, modifiers: [] }]);
    expect(orderSignature([{ sku: 'latte', quantity: 2, modifiers: [] }])).not.toBe(one);
    expect(orderSignature([{ sku: 'latte', quantity: 1, modifiers: ['oat'] }])).not.toBe(one);
    expect(orderSignature([{ sku: 'flat-white', quantity: 1, modifiers: [] }])).not.toBe(one);
    // An oat latte and a plain latte are not two plain lattes.
    expect(orderSignature([{ sku: 'latte', quantity: 1, modifiers: ['oat'] }, { sku: 'latte', quantity: 1, modifiers: [] }])).not.toBe(
      orderSignature([{ sku: 'latte', quantity: 2, modifiers: [] }]),
    );
  });
});

describe('usualOrder', () => {
  it('returns null without any history', () => {
    expect(usualOrder([], NOW, 8)).toBeNull();
  });

  it('picks the morning order in the morning and the lunch order at lunchtime', () => {
    const history: PastOrder[] = [];
    for (let d = 1; d <= 5; d++) history.push(order(FLAT_WHITE, d, '08:10'), order(SOUP, d, '12:40'));
    const morning = at('2026-03-10T08:30:00Z');
    const lunch = at('2026-03-10T12:30:00Z');
    expect(usualOrder(history, morning.now, morning.hour)).toEqual({
      lines: FLAT_WHITE,
      daypart: 'morning',
      basis: 'usual morning order (5 of the last 5 mornings)',
    });
    expect(usualOrder(history, lunch.now, lunch.hour)).toEqual({
      lines: SOUP,
      daypart: 'midday',
      basis: 'usual lunchtime order (5 of the last 5 lunchtimes)',
    });
  });

  it('counts in the basis how many of this daypart\'s orders were the usual one', () => {
    const history = [order(FLAT_WHITE, 1), order(FLAT_WHITE, 2), order(CROISSANT, 3), order(FLAT_WHITE, 4), order(FLAT_WHITE, 5)];
    expect(usualOrder(history, NOW, 8)?.basis).toBe('usual morning order (4 of the last 5 mornings)');
  });

  it('says "morning" for a single morning order', () => {
    expect(usualOrder([order(LATTE, 2)], NOW, 8)?.basis).toBe('usual morning order (1 of the last 1 morning)');
  });

  it('weighs recent orders more than a mere count would', () => {
    // Two lattes 10 and 12 days ago outweigh one flat white yesterday, and the basis says so.
    const history = [order(FLAT_WHITE, 1), order(LATTE, 10), order(LATTE, 12)];
    expect(usualOrder(history, NOW, 8)).toMatchObject({ lines: LATTE, basis: 'usual morning order (2 of the last 3 mornings)' });
    // A single flat white yesterday beats two lattes a month and more ago.
    const older = [order(FLAT_WHITE, 1), order(LATTE, 30), order(LATTE, 40)];
    expect(usualOrder(older, NOW, 8)).toMatchObject({ lines: FLAT_WHITE, basis: 'usual morning order (1 of the last 3 mornings)' });
  });

  it('breaks a tie in favour of the most recent order, whatever the input order', () => {
    // One flat white 1 day ago weighs 0.5^(1/14); two lattes 15 days ago (±30 s) weigh 2·0.5^(15/14), the same
    // within 2e-10, so the weights tie and the more recent order wins.
    const history = [
      order(LATTE, 15, '08:00', 30_000),
      order(LATTE, 15, '08:00', -30_000),
      order(FLAT_WHITE, 1, '08:00'),
    ];
    expect(usualOrder(history, NOW, 8)).toMatchObject({ lines: FLAT_WHITE, basis: 'usual morning order (1 of the last 3 mornings)' });
    expect(usualOrder([...history].reverse(), NOW, 8)?.lines).toEqual(FLAT_WHITE);
  });

  it('follows a changed habit: 5 flat whites over three weeks, then two lattes in a row', () => {
    const history = [
      order(FLAT_WHITE, 21), order(FLAT_WHITE, 17), order(FLAT_WHITE, 14), order(FLAT_WHITE, 10), order(FLAT_WHITE, 7),
      order(LATTE, 2), order(LATTE, 1),
    ];
    expect(usualOrder(history, NOW, 8)).toEqual({ lines: LATTE, daypart: 'morning', basis: 'usual morning order (2 of the last 7 mornings)' });
    // One latte alone is not yet a new habit.
    expect(usualOrder(history.slice(0, 6), NOW, 8)?.lines).toEqual(FLAT_WHITE);
  });

  it('counts the same items in a different line order, or split into lines, as one order', () => {
    const history = [
      order([...FLAT_WHITE, ...CROISSANT], 1),
      order([...CROISSANT, ...FLAT_WHITE], 2),
      order(LATTE, 3),
      order([{ sku: 'croissant', quantity: 1, modifiers: ['warm'] }, { sku: 'flat-white', quantity: 1, modifiers: ['oat', 'oat'] }], 4),
      order(LATTE, 5),
      order(LATTE, 6),
    ];
    const choice = usualOrder(history, NOW, 8);
    expect(choice?.basis).toBe('usual morning order (3 of the last 6 mornings)');
    // Canonical lines: one per item, modifiers deduplicated and sorted, in a stable order.
    expect(choice?.lines).toEqual([
      { sku: 'croissant', quantity: 1, modifiers: ['warm'] },
      { sku: 'flat-white', quantity: 1, modifiers: ['oat'] },
    ]);

    const split = [
      order([{ sku: 'latte', quantity: 1, modifiers: ['oat'] }, { sku: 'latte', quantity: 1, modifiers: ['oat'] }], 1),
      order([{ sku: 'latte', quantity: 2, modifiers: ['oat'] }], 3),
      order(FLAT_WHITE, 2),
    ];
    expect(usualOrder(split, NOW, 8)).toMatchObject({
      lines: [{ sku: 'latte', quantity: 2, modifiers: ['oat'] }],
      basis: 'usual morning order (2 of the last 3 mornings)',
    });
  });

  it('treats quantities as part of the order', () => {
    const two: OrderLine[] = [{ sku: 'latte', quantity: 2, modifiers: [] }];
    const history = [order(two, 1), order(LATTE, 2), order(two, 3)];
    expect(usualOrder(history, NOW, 8)).toMatchObject({ lines: two, basis: 'usual morning order (2 of the last 3 mornings)' });
  });

  it('falls back to all orders when there is none at this time of day, and says so', () => {
    const history = [order(SOUP, 1, '12:30'), order(SOUP, 2, '13:10'), order(LATTE, 3, '15:00')];
    expect(usualOrder(history, NOW, 8)).toEqual({
      lines: SOUP,
      daypart: 'morning',
      basis: 'usual order (2 of 3; none yet at this time of day)',
    });
  });

  it('ignores orders dated after now', () => {
    const history = [order(FLAT_WHITE, 1), order(FLAT_WHITE, 2), order(LATTE, -1), order(LATTE, -2), order(LATTE, -3)];
    expect(usualOrder(history, NOW, 8)).toEqual({ lines: FLAT_WHITE, daypart: 'morning', basis: 'usual morning order (2 of the last 2 mornings)' });
    // An order placed exactly now counts.
    const placedNow = { orderedAt: NOW, localHour: 8, lines: LATTE };
    expect(usualOrder([placedNow], NOW, 8)?.lines).toEqual(LATTE);
    // Only future orders: nothing to suggest, also not via the all-dayparts fallback.
    expect(usualOrder([order(LATTE, -1), order(SOUP, -1, '12:30')], NOW, 8)).toBeNull();
    // A future order at this daypart does not stop the fallback to past orders at other times.
    expect(usualOrder([order(LATTE, -1), order(SOUP, 1, '12:30')], NOW, 8)).toMatchObject({
      lines: SOUP,
      basis: 'usual order (1 of 1; none yet at this time of day)',
    });
  });

  it('does not let a moment ago at another daypart override this daypart', () => {
    // Two soups at lunch yesterday agree with each other, but at 08:30 the pool is mornings only.
    const history = [order(FLAT_WHITE, 3), order(SOUP, 1, '12:30'), order(SOUP, 1, '13:30')];
    expect(usualOrder(history, NOW, 8)?.lines).toEqual(FLAT_WHITE);
  });

  it('does not change its input', () => {
    const history = [order([...FLAT_WHITE, ...CROISSANT], 1), order(LATTE, 2)];
    const copy = structuredClone(history);
    usualOrder(history, NOW, 8);
    expect(history).toEqual(copy);
    expect(history[0]!.lines[0]!.sku).toBe('flat-white');
  });

  it('files an order at 10:59 under mornings and one at 11:00 under lunchtimes', () => {
    const history = [order(LATTE, 1, '10:59'), order(SOUP, 1, '11:00')];
    expect(usualOrder(history, NOW, 8)?.lines).toEqual(LATTE);
    expect(usualOrder(history, new Date(NOW.getTime() + 4 * 60 * MINUTE_MS), 12)?.lines).toEqual(SOUP);
  });
});
