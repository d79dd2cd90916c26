import type { ReactNode } from 'react';
import { CustomerCardView } from './CustomerCardView';
import type { Panel } from './kiosk-session';

interface CustomerPanelProps {
  panel: Panel;
  unknownCard: ReactNode;
  draftOfferId: string | null;
  usualInOrder: boolean;
  onApplyOffer: (offerId: string) => void;
  onUseUsual: () => void;
  onRetry: (profileId: string) => void;
  onClose: () => void;
  onEnrol: () => void;
}

/** The top of the middle column: the open card, or what stands in for it. */
export function CustomerPanel({ panel, unknownCard, draftOfferId, usualInOrder, onApplyOffer, onUseUsual, onRetry, onClose, onEnrol }: CustomerPanelProps) {
  switch (panel.kind) {
    case 'card':
      return (
        <CustomerCardView
          card={panel.card}
          appliedOfferId={draftOfferId}
          usualInOrder={usualInOrder}
          onApplyOffer={onApplyOffer}
          onUseUsual={onUseUsual}
          onClose={onClose}
          notice={unknownCard}
        />
      );
    case 'loading':
      return (
        <>
          {unknownCard}
          <div className="k-placeholder" data-testid="card-loading" aria-busy="true">
            Opening the customer’s card…
          </div>
        </>
      );
    case 'card-error':
      return (
        <>
          {unknownCard}
          <div className="k-placeholder is-problem" role="alert" data-testid="card-error">
            <p>Could not open the card: {panel.message}</p>
            <div className="k-placeholder-actions">
              <button type="button" className="k-button k-button-primary" onClick={() => onRetry(panel.profileId)}>
                Try again
              </button>
              <button type="button" className="k-button k-button-quiet" onClick={onClose}>
                Close
              </button>
            </div>
          </div>
        </>
      );
    default:
      return (
        unknownCard ?? (
          <div className="k-placeholder k-welcome" data-testid="no-customer">
            <div>
              <p className="k-welcome-title">No customer selected</p>
              <p className="k-muted">Scan their card, tap them under “At the counter”, or search. A walk-in order needs no customer: just add items.</p>
            </div>
            <button type="button" className="k-button" data-testid="enrol-new" onClick={onEnrol}>
              Enrol new customer
            </button>
          </div>
        )
      );
  }
}
