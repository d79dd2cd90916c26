import type { CustomerCard, OrderLine, PricedOrderLine, Product, UsualOrder } from '../../../protocol/kiosk';
import { fullName } from './names';

/** The wire schema's limits (protocol/kiosk.ts): the editor stops there rather than have the agent refuse. */
export const MAX_QUANTITY = 50;
export const MAX_LINES = 40;
export const MAX_MODIFIERS = 10;

export interface DraftLine extends OrderLine {
  /** sku and modifiers in one canonical string: two lines with the same key are the same item and merge. */
  key: string;
  /**
   * Name and price the usual order came with, shown when the catalogue cannot price the
   * line (not loaded yet, or the product was withdrawn). Dropped once the line is edited.
   */
  remembered?: { name: string; unitPrice: number; modifierNames: string[] };
}

export interface OrderDraft {
  /** Whose order this is; null for a walk-in. Kept with the lines so an order can never go to the wrong card. */
  customer: { profileId: string; name: string } | null;
  lines: DraftLine[];
  /** At most one offer per order. */
  offerId: string | null;
}

export const EMPTY_DRAFT: OrderDraft = { customer: null, lines: [], offerId: null };

export type DraftAction =
  | { type: 'add'; sku: string }
  | { type: 'increment'; key: string }
  | { type: 'decrement'; key: string }
  | { type: 'remove'; key: string }
  | { type: 'toggle-modifier'; key: string; modifierId: string }
  /** The same offer again takes it off: an offer chip is a toggle. */
  | { type: 'apply-offer'; offerId: string }
  | { type: 'use-usual'; usual: UsualOrder }
  | { type: 'open-customer'; card: CustomerCard }
  | { type: 'clear' };

/** Modifiers are a set: their order on the wire or on screen does not make a different item. */
export function lineKey(sku: string, modifiers: readonly string[]): string {
  return JSON.stringify([sku, ...[...new Set(modifiers)].sort()]);
}

function makeLine(sku: string, modifiers: readonly string[], quantity: number, remembered?: DraftLine['remembered']): DraftLine {
  const unique = [...new Set(modifiers)].sort();
  const line: DraftLine = { key: lineKey(sku, unique), sku, quantity: Math.min(quantity, MAX_QUANTITY), modifiers: unique };
  if (remembered) line.remembered = remembered;
  return line;
}

/** Adds `line` to `lines`, merging it into an equal line where there is one. */
function mergeInto(lines: DraftLine[], line: DraftLine): DraftLine[] {
  const index = lines.findIndex((l) => l.key === line.key);
  if (index === -1) return lines.length >= MAX_LINES ? lines : [...lines, line];
  return lines.map((l, i) => (i === index ? { ...l, quantity: Math.min(MAX_QUANTITY, l.quantity + line.quantity) } : l));
}

function usualLines(usual: UsualOrder): DraftLine[] {
  return usual.lines.reduce<DraftLine[]>(
    (lines, l) =>
      mergeInto(lines, makeLine(l.sku, l.modifiers, l.quantity, { name: l.name, unitPrice: l.unitPrice, modifierNames: l.modifierNames })),
    [],
  );
}

function updateLine(draft: OrderDraft, key: string, change: (line: DraftLine) => DraftLine): OrderDraft {
  if (!draft.lines.some((l) => l.key === key)) return draft;
  return { ...draft, lines: draft.lines.map((l) => (l.key === key ? change(l) : l)) };
}

function toggleModifier(draft: OrderDraft, key: string, modifierId: string): OrderDraft {
  const index = draft.lines.findIndex((l) => l.key === key);
  const line = draft.lines[index];
  if (!line) return draft;
  const modifiers = line.modifiers.includes(modifierId) ? line.modifiers.filter((m) => m !== modifierId) : [...line.modifiers, modifierId];
  if (modifiers.length > MAX_MODIFIERS) return draft;
  // The remembered price no longer fits the item; the catalogue prices it from here on.
  const changed = makeLine(line.sku, modifiers, line.quantity);
  const twin = draft.lines.findIndex((l, i) => i !== index && l.key === changed.key);
  if (twin === -1) return { ...draft, lines: draft.lines.map((l, i) => (i === index ? changed : l)) };
  // It became the same item as another line: one line, where the staff member is looking.
  const twinLine = draft.lines[twin] as DraftLine;
  const merged = { ...changed, quantity: Math.min(MAX_QUANTITY, changed.quantity + twinLine.quantity) };
  return { ...draft, lines: draft.lines.flatMap((l, i) => (i === index ? [merged] : i === twin ? [] : [l])) };
}

/**
 * Opening a customer's card: their usual order is put in, unless the staff member had
 * already started ringing up a walk-in (the card scanned after the items), whose lines
 * then become this customer's. The same customer again changes nothing.
 */
function openCustomer(draft: OrderDraft, card: CustomerCard): OrderDraft {
  const customer = { profileId: card.profileId, name: fullName(card) };
  if (draft.customer?.profileId === card.profileId) return { ...draft, customer };
  if (draft.customer === null && draft.lines.length > 0) return { customer, lines: draft.lines, offerId: null };
  return { customer, lines: card.usualOrder ? usualLines(card.usualOrder) : [], offerId: null };
}

export function draftReducer(draft: OrderDraft, action: DraftAction): OrderDraft {
  switch (action.type) {
    case 'add':
      return { ...draft, lines: mergeInto(draft.lines, makeLine(action.sku, [], 1)) };
    case 'increment':
      return updateLine(draft, action.key, (l) => ({ ...l, quantity: Math.min(MAX_QUANTITY, l.quantity + 1) }));
    case 'decrement':
      // Down to one; taking a line away is its own button, so a double tap on − loses nothing.
      return updateLine(draft, action.key, (l) => ({ ...l, quantity: Math.max(1, l.quantity - 1) }));
    case 'remove':
      return { ...draft, lines: draft.lines.filter((l) => l.key !== action.key) };
    case 'toggle-modifier':
      return toggleModifier(draft, action.key, action.modifierId);
    case 'apply-offer':
      return { ...draft, offerId: draft.offerId === action.offerId ? null : action.offerId };
    case 'use-usual':
      return { ...draft, lines: usualLines(action.usual) };
    case 'open-customer':
      return openCustomer(draft, action.card);
    case 'clear':
      return EMPTY_DRAFT;
  }
}

export interface PricedDraftLine extends DraftLine, PricedOrderLine {
  lineTotal: number;
  /** The catalogue is loaded and lacks this product or one of its modifiers: the agent would refuse it. */
  unavailable: boolean;
}

export interface PricedDraft {
  lines: PricedDraftLine[];
  /** Before any offer: the offer's discount is the agent's to work out when the order is confirmed. */
  total: number;
  unavailableCount: number;
}

/** Prices the draft from the catalogue (null while it has not loaded), in minor units. */
export function priceDraft(draft: OrderDraft, catalogue: readonly Product[] | null): PricedDraft {
  const products = new Map((catalogue ?? []).map((p) => [p.sku, p]));
  const lines = draft.lines.map((line): PricedDraftLine => {
    const product = products.get(line.sku);
    if (!product) {
      const remembered = line.remembered ?? { name: line.sku, unitPrice: 0, modifierNames: [...line.modifiers] };
      return { ...line, ...remembered, lineTotal: remembered.unitPrice * line.quantity, unavailable: catalogue !== null };
    }
    const known = new Map(product.modifiers.map((m) => [m.id, m]));
    const chosen = product.modifiers.filter((m) => line.modifiers.includes(m.id));
    const unitPrice = product.price + chosen.reduce((sum, m) => sum + m.price, 0);
    return {
      ...line,
      name: product.name,
      unitPrice,
      modifierNames: chosen.map((m) => m.name),
      lineTotal: unitPrice * line.quantity,
      unavailable: line.modifiers.some((id) => !known.has(id)),
    };
  });
  return {
    lines,
    total: lines.reduce((sum, l) => sum + l.lineTotal, 0),
    unavailableCount: lines.filter((l) => l.unavailable).length,
  };
}

/** Whether the order holds exactly the usual order (so the card can say so instead of offering it again). */
export function holdsUsualOrder(draft: OrderDraft, usual: UsualOrder): boolean {
  const usualDraft = usualLines(usual);
  if (usualDraft.length !== draft.lines.length) return false;
  return usualDraft.every((u) => draft.lines.some((l) => l.key === u.key && l.quantity === u.quantity));
}

/** The lines as `kiosk.order.confirm` takes them. */
export function orderLinesForRequest(draft: OrderDraft): OrderLine[] {
  return draft.lines.map(({ sku, quantity, modifiers }) => ({ sku, quantity, modifiers: [...modifiers] }));
}
