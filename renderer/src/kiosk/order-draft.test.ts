import { describe, expect, it } from 'vitest';
import type { CustomerCard, Product, UsualOrder } from '../../../protocol/kiosk';
import {
  draftReducer,
  EMPTY_DRAFT,
  holdsUsualOrder,
  lineKey,
  MAX_QUANTITY,
  orderLinesForRequest,
  priceDraft,
  type DraftAction,
  type OrderDraft,
} from './order-draft';

const catalogue: Product[] = [
  {
    sku: 'LATTE',
    name: 'Latte',
    category: 'Coffee',
    price: 320,
    modifiers: [
      { id: 'oat', name: 'Oat milk', price: 40 },
      { id: 'shot', name: 'Extra shot', price: 60 },
      { id: 'decaf', name: 'Decaf', price: 0 },
    ],
  },
  { sku: 'CROISSANT', name: 'Croissant', category: 'Bakery', price: 250, modifiers: [] },
];

const usual: UsualOrder = {
  basis: 'usual morning order (4 of the last 5 mornings)',
  daypart: 'morning',
  lines: [
    { sku: 'LATTE', quantity: 1, modifiers: ['shot', 'oat'], name: 'Latte', unitPrice: 420, modifierNames: ['Oat milk', 'Extra shot'] },
    { sku: 'CROISSANT', quantity: 1, modifiers: [], name: 'Croissant', unitPrice: 250, modifierNames: [] },
  ],
};

const card = (profileId: string, usualOrder: UsualOrder | null = null): CustomerCard => ({
  profileId,
  firstName: 'Ana',
  lastName: 'Silva',
  tier: 'gold',
  points: 120,
  visitCount: 12,
  lastVisitAt: null,
  daysSinceLastVisit: null,
  birthdayToday: false,
  allergies: [],
  preferences: [],
  consents: { greetPublic: true, personalisedOffers: true, tracking: true },
  maskedEmail: null,
  maskedPhone: null,
  offers: [],
  usualOrder,
});

const run = (actions: DraftAction[], from: OrderDraft = EMPTY_DRAFT): OrderDraft => actions.reduce(draftReducer, from);
const summary = (draft: OrderDraft) => draft.lines.map((l) => `${l.quantity}x ${l.sku}${l.modifiers.length ? `+${l.modifiers.join('+')}` : ''}`);

describe('order draft', () => {
  it('adds products, merging a product added twice into one line', () => {
    const draft = run([{ type: 'add', sku: 'LATTE' }, { type: 'add', sku: 'CROISSANT' }, { type: 'add', sku: 'LATTE' }]);
    expect(summary(draft)).toEqual(['2x LATTE', '1x CROISSANT']);
  });

  it('counts quantity up and down between 1 and the wire limit', () => {
    const key = lineKey('LATTE', []);
    const draft = run([{ type: 'add', sku: 'LATTE' }, { type: 'decrement', key }, { type: 'decrement', key }]);
    expect(summary(draft)).toEqual(['1x LATTE']);
    const many = run(Array.from({ length: MAX_QUANTITY + 5 }, () => ({ type: 'increment', key }) as const), draft);
    expect(many.lines[0]?.quantity).toBe(MAX_QUANTITY);
  });

  it('removes a line', () => {
    const draft = run([{ type: 'add', sku: 'LATTE' }, { type: 'add', sku: 'CROISSANT' }, { type: 'remove', key: lineKey('LATTE', []) }]);
    expect(summary(draft)).toEqual(['1x CROISSANT']);
  });

  it('ignores actions on a line that is not there', () => {
    const draft = run([{ type: 'add', sku: 'LATTE' }]);
    expect(draftReducer(draft, { type: 'increment', key: 'nope' })).toBe(draft);
    expect(draftReducer(draft, { type: 'toggle-modifier', key: 'nope', modifierId: 'oat' })).toBe(draft);
  });

  it('toggles modifiers on a line, in any order, as a set', () => {
    const plain = lineKey('LATTE', []);
    const draft = run([
      { type: 'add', sku: 'LATTE' },
      { type: 'toggle-modifier', key: plain, modifierId: 'shot' },
      { type: 'toggle-modifier', key: lineKey('LATTE', ['shot']), modifierId: 'oat' },
    ]);
    expect(draft.lines[0]?.modifiers).toEqual(['oat', 'shot']);
    expect(draft.lines[0]?.key).toBe(lineKey('LATTE', ['shot', 'oat']));
    const off = draftReducer(draft, { type: 'toggle-modifier', key: lineKey('LATTE', ['oat', 'shot']), modifierId: 'shot' });
    expect(summary(off)).toEqual(['1x LATTE+oat']);
  });

  it('merges a line into its twin when a modifier makes them the same item', () => {
    const draft = run([
      { type: 'add', sku: 'LATTE' },
      { type: 'toggle-modifier', key: lineKey('LATTE', []), modifierId: 'oat' },
      { type: 'add', sku: 'CROISSANT' },
      { type: 'add', sku: 'LATTE' },
      { type: 'add', sku: 'LATTE' },
      { type: 'toggle-modifier', key: lineKey('LATTE', []), modifierId: 'oat' },
    ]);
    expect(summary(draft)).toEqual(['1x CROISSANT', '3x LATTE+oat']);
  });

  it('applies at most one offer, and the same offer again takes it off', () => {
    const one = run([{ type: 'apply-offer', offerId: 'o1' }]);
    expect(one.offerId).toBe('o1');
    expect(draftReducer(one, { type: 'apply-offer', offerId: 'o2' }).offerId).toBe('o2');
    expect(draftReducer(one, { type: 'apply-offer', offerId: 'o1' }).offerId).toBeNull();
  });

  it('fills in the usual order, merging repeated items', () => {
    const twice: UsualOrder = { ...usual, lines: [...usual.lines, { ...usual.lines[1]!, quantity: 2 }] };
    const draft = run([{ type: 'add', sku: 'LATTE' }, { type: 'use-usual', usual: twice }]);
    expect(summary(draft)).toEqual(['1x LATTE+oat+shot', '3x CROISSANT']);
  });

  it('opens a customer with their usual order, and keeps the order when the same card comes again', () => {
    const opened = draftReducer(EMPTY_DRAFT, { type: 'open-customer', card: card('p1', usual) });
    expect(opened.customer).toEqual({ profileId: 'p1', name: 'Ana Silva' });
    expect(summary(opened)).toEqual(['1x LATTE+oat+shot', '1x CROISSANT']);
    const edited = run([{ type: 'add', sku: 'CROISSANT' }, { type: 'apply-offer', offerId: 'o1' }], opened);
    const again = draftReducer(edited, { type: 'open-customer', card: card('p1', usual) });
    expect(summary(again)).toEqual(['1x LATTE+oat+shot', '2x CROISSANT']);
    expect(again.offerId).toBe('o1');
  });

  it('gives a walk-in order already rung up to the customer whose card is opened after', () => {
    const walkIn = run([{ type: 'add', sku: 'CROISSANT' }]);
    const opened = draftReducer(walkIn, { type: 'open-customer', card: card('p1', usual) });
    expect(opened.customer?.profileId).toBe('p1');
    expect(summary(opened)).toEqual(['1x CROISSANT']);
  });

  it('starts afresh when another customer is opened, so nothing is ordered on the wrong card', () => {
    const first = run([{ type: 'open-customer', card: card('p1', usual) }, { type: 'apply-offer', offerId: 'o1' }]);
    const second = draftReducer(first, { type: 'open-customer', card: card('p2') });
    expect(second).toEqual({ customer: { profileId: 'p2', name: 'Ana Silva' }, lines: [], offerId: null });
  });

  it('clears back to an empty walk-in', () => {
    const draft = run([{ type: 'open-customer', card: card('p1', usual) }, { type: 'clear' }]);
    expect(draft).toEqual(EMPTY_DRAFT);
  });
});

describe('priceDraft', () => {
  it('totals the lines with their modifiers, in minor units', () => {
    const draft = run([
      { type: 'add', sku: 'LATTE' },
      { type: 'add', sku: 'LATTE' },
      { type: 'toggle-modifier', key: lineKey('LATTE', []), modifierId: 'oat' },
      { type: 'add', sku: 'CROISSANT' },
    ]);
    const priced = priceDraft(draft, catalogue);
    expect(priced.lines.map((l) => [l.name, l.modifierNames, l.unitPrice, l.lineTotal])).toEqual([
      ['Latte', ['Oat milk'], 360, 720],
      ['Croissant', [], 250, 250],
    ]);
    expect(priced.total).toBe(970);
    expect(priced.unavailableCount).toBe(0);
  });

  it('prices the usual order from what it remembered until the catalogue has loaded', () => {
    const draft = draftReducer(EMPTY_DRAFT, { type: 'use-usual', usual });
    const priced = priceDraft(draft, null);
    expect(priced.total).toBe(670);
    expect(priced.lines[0]?.name).toBe('Latte');
    expect(priced.unavailableCount).toBe(0);
  });

  it('flags items the loaded catalogue no longer has', () => {
    const draft = draftReducer(EMPTY_DRAFT, { type: 'use-usual', usual });
    const priced = priceDraft(draft, catalogue.filter((p) => p.sku !== 'CROISSANT'));
    expect(priced.lines.map((l) => l.unavailable)).toEqual([false, true]);
    expect(priced.unavailableCount).toBe(1);
    expect(priced.total).toBe(670);
    const gone = priceDraft(draft, [{ ...catalogue[0]!, modifiers: [] }, catalogue[1]!]);
    expect(gone.lines.map((l) => l.unavailable)).toEqual([true, false]);
  });
});

describe('holdsUsualOrder', () => {
  it('tells whether the order is still exactly the usual one', () => {
    const draft = draftReducer(EMPTY_DRAFT, { type: 'use-usual', usual });
    expect(holdsUsualOrder(draft, usual)).toBe(true);
    expect(holdsUsualOrder(draftReducer(draft, { type: 'add', sku: 'CROISSANT' }), usual)).toBe(false);
    expect(holdsUsualOrder(draftReducer(draft, { type: 'remove', key: lineKey('CROISSANT', []) }), usual)).toBe(false);
    expect(holdsUsualOrder(EMPTY_DRAFT, usual)).toBe(false);
  });
});

describe('orderLinesForRequest', () => {
  it('sends sku, quantity and modifier ids only', () => {
    const draft = draftReducer(EMPTY_DRAFT, { type: 'use-usual', usual });
    expect(orderLinesForRequest(draft)).toEqual([
      { sku: 'LATTE', quantity: 1, modifiers: ['oat', 'shot'] },
      { sku: 'CROISSANT', quantity: 1, modifiers: [] },
    ]);
  });
});
