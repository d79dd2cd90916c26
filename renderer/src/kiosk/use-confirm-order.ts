import { useCallback, useRef, useState } from 'react';
import type { AgentBridge, AgentRequestArgs } from '../../../protocol/bridge';
import { formatMoney } from './money';
import { orderLinesForRequest, type OrderDraft } from './order-draft';
import type { ConfirmedOrder } from './OrderToast';
import { problemWords } from './problem-words';
import { normaliseStaffId } from './staff-id';

/** Confirming the order, exactly once per tap however fast staff tap. */
export function useConfirmOrder(bridge: AgentBridge, screenId: string, staffId: string, onConfirmed: () => void) {
  const [confirming, setConfirming] = useState(false);
  // A ref as well as state: two taps inside one frame both see the state still false.
  const inFlight = useRef(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [confirmed, setConfirmed] = useState<ConfirmedOrder | null>(null);
  const dismissConfirmed = useCallback(() => setConfirmed(null), []);

  const confirm = async (draft: OrderDraft, unavailableCount: number): Promise<void> => {
    const staff = normaliseStaffId(staffId);
    if (inFlight.current || draft.lines.length === 0 || unavailableCount > 0 || staff === '') return;
    inFlight.current = true;
    setConfirming(true);
    setProblem(null);
    try {
      const args: AgentRequestArgs<'kiosk.order.confirm'> = {
        screenId,
        profileId: draft.customer?.profileId ?? null,
        lines: orderLinesForRequest(draft),
        staffId: staff,
      };
      if (draft.offerId) args.offerId = draft.offerId;
      const result = await bridge.request('kiosk.order.confirm', args);
      setConfirmed({ orderId: result.orderId, total: formatMoney(result.total, result.currency), customerName: draft.customer?.name ?? null });
      onConfirmed();
    } catch (error) {
      setProblem(problemWords(error));
    } finally {
      inFlight.current = false;
      setConfirming(false);
    }
  };
  return { confirming, problem, confirmed, confirm, dismissConfirmed };
}
