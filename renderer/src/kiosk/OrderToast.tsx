import { useEffect } from 'react';

export interface ConfirmedOrder {
  orderId: string;
  /** Already formatted in the currency the agent answered with. */
  total: string;
  customerName: string | null;
}

/** How long the confirmation stays up: long enough to read the total out, short enough not to be in the next customer's way. */
const TOAST_MS = 6_000;

export function OrderToast({ order, onDone }: { order: ConfirmedOrder; onDone: () => void }) {
  useEffect(() => {
    const timer = setTimeout(onDone, TOAST_MS);
    return () => clearTimeout(timer);
  }, [order, onDone]);

  return (
    <button type="button" className="k-toast" data-testid="order-confirmed" data-order-id={order.orderId} role="status" aria-live="polite" onClick={onDone}>
      <span className="k-toast-tick" aria-hidden="true">
        ✓
      </span>
      <span>
        <strong>Order confirmed · {order.total}</strong>
        <span className="k-toast-sub">
          {order.customerName ? `for ${order.customerName} · ` : ''}order {order.orderId}
        </span>
      </span>
    </button>
  );
}
