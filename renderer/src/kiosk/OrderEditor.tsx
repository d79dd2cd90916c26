import { useEffect, useRef, type Dispatch } from 'react';
import type { KioskOffer, Product } from '../../../protocol/kiosk';
import { formatMoney } from './money';
import type { DraftAction, OrderDraft, PricedDraft, PricedDraftLine } from './order-draft';
import { MAX_QUANTITY } from './order-draft';
import { STAFF_ID_MAX_LENGTH } from './staff-id';

interface OrderEditorProps {
  draft: OrderDraft;
  priced: PricedDraft;
  products: Product[] | null;
  currency: string | null;
  /** The offer on the order, as the open card describes it. */
  offer: KioskOffer | null;
  dispatch: Dispatch<DraftAction>;
  /** The line whose modifier chips are open. */
  expandedKey: string | null;
  onExpand: (key: string | null) => void;
  onToggleModifier: (line: PricedDraftLine, modifierId: string) => void;
  staffId: string;
  onStaffId: (value: string) => void;
  confirming: boolean;
  problem: string | null;
  onConfirm: () => void;
}

/** Why Confirm is off, in words, so staff are never left guessing at a grey button. */
function blocker(draft: OrderDraft, priced: PricedDraft, staffId: string): string | null {
  if (draft.lines.length === 0) return 'Add an item to the order.';
  if (priced.unavailableCount > 0) return 'Remove the items no longer on the menu.';
  if (staffId.trim() === '') return 'Enter your staff ID to confirm.';
  return null;
}

/** The order being rung up: lines with quantities and modifiers, the total, staff id and Confirm. */
export function OrderEditor(props: OrderEditorProps) {
  const { draft, priced, products, currency, offer, dispatch, expandedKey, onExpand, onToggleModifier, staffId, onStaffId, confirming, problem, onConfirm } =
    props;
  const why = blocker(draft, priced, staffId);
  const productBySku = new Map((products ?? []).map((p) => [p.sku, p]));
  const money = (minor: number): string => formatMoney(minor, currency);

  return (
    <section className="k-order" data-testid="order" aria-labelledby="k-order-title" aria-busy={confirming}>
      <header className="k-order-head">
        <div>
          <h2 id="k-order-title" className="k-section-title">
            Order
          </h2>
          <p className="k-order-for" data-testid="order-for">
            {draft.customer ? `for ${draft.customer.name}` : 'Walk-in customer'}
          </p>
        </div>
        {draft.lines.length > 0 && (
          <button type="button" className="k-button k-button-quiet" data-testid="clear-order" disabled={confirming} onClick={() => dispatch({ type: 'clear' })}>
            Clear
          </button>
        )}
      </header>

      {/* A fieldset so the whole order is frozen while it is being confirmed: what was sent is what stays on screen. */}
      <fieldset className="k-order-lines" disabled={confirming}>
        <legend className="k-visually-hidden">Order lines</legend>
        {priced.lines.length === 0 && <p className="k-empty-note k-order-empty">No items yet. Tap the menu to add, or use the customer’s usual order.</p>}
        <ul className="k-line-list">
          {priced.lines.map((line) => (
            <li key={line.key}>
              <OrderLineRow
                line={line}
                product={productBySku.get(line.sku) ?? null}
                expanded={expandedKey === line.key}
                money={money}
                dispatch={dispatch}
                onExpand={onExpand}
                onToggleModifier={onToggleModifier}
              />
            </li>
          ))}
        </ul>
      </fieldset>

      <footer className="k-order-foot">
        {offer && (
          <div className="k-applied-offer" data-testid="applied-offer">
            <span>
              <strong>Offer:</strong> {offer.title}
              <span className="k-muted"> · discount worked out on confirm</span>
            </span>
            <button type="button" className="k-icon-button" aria-label="Remove the offer" disabled={confirming} onClick={() => dispatch({ type: 'apply-offer', offerId: offer.id })}>
              ✕
            </button>
          </div>
        )}
        <div className="k-total">
          <span>Total{offer ? ' before offer' : ''}</span>
          <span className="k-total-amount" data-testid="order-total">
            {money(priced.total)}
          </span>
        </div>
        <label className="k-staff">
          <span className="k-staff-label">Staff ID</span>
          <input
            type="text"
            className={`k-input${staffId.trim() === '' ? ' is-missing' : ''}`}
            data-testid="staff-id"
            autoComplete="off"
            spellCheck={false}
            maxLength={STAFF_ID_MAX_LENGTH}
            value={staffId}
            onChange={(e) => onStaffId(e.target.value)}
          />
        </label>
        {problem && (
          <p className="k-inline-problem" role="alert" data-testid="order-error">
            Order not confirmed: {problem}
          </p>
        )}
        <button
          type="button"
          className="k-button k-button-primary k-confirm"
          data-testid="confirm-order"
          disabled={confirming || why !== null}
          onClick={onConfirm}
        >
          {confirming ? 'Confirming…' : `Confirm order · ${money(priced.total)}`}
        </button>
        {why && !confirming && <p className="k-confirm-why">{why}</p>}
      </footer>
    </section>
  );
}

function OrderLineRow({
  line,
  product,
  expanded,
  money,
  dispatch,
  onExpand,
  onToggleModifier,
}: {
  line: PricedDraftLine;
  product: Product | null;
  expanded: boolean;
  money: (minor: number) => string;
  dispatch: Dispatch<DraftAction>;
  onExpand: (key: string | null) => void;
  onToggleModifier: (line: PricedDraftLine, modifierId: string) => void;
}) {
  const modifiers = product?.modifiers ?? [];
  const row = useRef<HTMLDivElement>(null);
  // The options open under a line that may be below the fold of the list: bring them into view.
  useEffect(() => {
    if (expanded) row.current?.scrollIntoView({ block: 'nearest' });
  }, [expanded]);
  return (
    <div
      ref={row}
      className={`k-line${line.unavailable ? ' is-unavailable' : ''}${expanded ? ' is-expanded' : ''}`}
      data-testid="order-line"
      data-sku={line.sku}
      data-key={line.key}
    >
      <div className="k-line-top">
        <div className="k-line-name">
          <span className="k-line-title" data-testid="line-name">
            {line.name}
          </span>
          {line.modifierNames.length > 0 && (
            <span className="k-line-modifiers" data-testid="line-modifiers">
              {line.modifierNames.join(', ')}
            </span>
          )}
          {line.unavailable && <span className="k-line-warning">Not on the menu any more</span>}
        </div>
        <span className="k-line-total">{money(line.lineTotal)}</span>
      </div>
      <div className="k-line-controls">
        <div className="k-stepper">
          <button
            type="button"
            className="k-step"
            data-testid="qty-dec"
            aria-label={`One fewer ${line.name}`}
            disabled={line.quantity <= 1}
            onClick={() => dispatch({ type: 'decrement', key: line.key })}
          >
            −
          </button>
          <span className="k-qty" data-testid="line-quantity" aria-live="polite">
            {line.quantity}
          </span>
          <button
            type="button"
            className="k-step"
            data-testid="qty-inc"
            aria-label={`One more ${line.name}`}
            disabled={line.quantity >= MAX_QUANTITY}
            onClick={() => dispatch({ type: 'increment', key: line.key })}
          >
            +
          </button>
        </div>
        {modifiers.length > 0 && (
          <button
            type="button"
            className={`k-button k-button-small${expanded ? ' is-on' : ''}`}
            data-testid="line-options"
            aria-expanded={expanded}
            onClick={() => onExpand(expanded ? null : line.key)}
          >
            Options {expanded ? '▴' : '▾'}
          </button>
        )}
        <button
          type="button"
          className="k-button k-button-small k-button-danger"
          data-testid="remove-line"
          aria-label={`Remove ${line.name}`}
          onClick={() => dispatch({ type: 'remove', key: line.key })}
        >
          Remove
        </button>
      </div>
      {expanded && modifiers.length > 0 && (
        <div className="k-modifier-chips" role="group" aria-label={`Options for ${line.name}`}>
          {modifiers.map((modifier) => {
            const on = line.modifiers.includes(modifier.id);
            return (
              <button
                key={modifier.id}
                type="button"
                className={`k-chip${on ? ' is-on' : ''}`}
                data-testid="modifier"
                data-modifier-id={modifier.id}
                aria-pressed={on}
                onClick={() => onToggleModifier(line, modifier.id)}
              >
                {on && <span aria-hidden="true">✓ </span>}
                {modifier.name}
                {modifier.price > 0 && <span className="k-chip-price"> +{money(modifier.price)}</span>}
              </button>
            );
          })}
        </div>
      )}
    </div>
  );
}
