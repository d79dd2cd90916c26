interface UnknownCardProps {
  code: string;
  /** The customer whose card is open, who could take this code. */
  customerName: string | null;
  linking: boolean;
  linkProblem: string | null;
  onLink: (() => void) | null;
  onEnrol: () => void;
  onDismiss: () => void;
}

/**
 * A card the agent does not know. Alone it fills the middle of the screen; over an open
 * card it is a strip that offers to link the code to that customer (a new card for an old one).
 */
export function UnknownCard({ code, customerName, linking, linkProblem, onLink, onEnrol, onDismiss }: UnknownCardProps) {
  const overCard = onLink !== null;
  return (
    <section className={`k-unknown${overCard ? ' is-strip' : ''}`} data-testid="unknown-card" role="status" aria-live="polite">
      {overCard && (
        <button type="button" className="k-icon-button k-unknown-dismiss" data-testid="dismiss-unknown" aria-label="Dismiss the scanned card" onClick={onDismiss}>
          ✕
        </button>
      )}
      <div className="k-unknown-text">
        <h2 className="k-unknown-title">Card not recognised</h2>
        <p className="k-unknown-code">
          Scanned code <code data-testid="unknown-code">{code}</code>
        </p>
        {overCard && customerName && <p className="k-unknown-hint">A new card for {customerName}? Link it, or enrol someone new.</p>}
        {linkProblem && (
          <p className="k-inline-problem" role="alert">
            Could not link the card: {linkProblem}
          </p>
        )}
      </div>
      <div className="k-unknown-actions">
        {onLink && (
          <button type="button" className="k-button k-button-primary" data-testid="link-scanned" disabled={linking} onClick={onLink}>
            {linking ? 'Linking…' : 'Link card just scanned'}
          </button>
        )}
        <button type="button" className={`k-button${overCard ? '' : ' k-button-primary'}`} data-testid="enrol-new" onClick={onEnrol}>
          Enrol new customer
        </button>
        {!overCard && (
          <button type="button" className="k-button k-button-quiet" data-testid="dismiss-unknown" onClick={onDismiss}>
            Dismiss
          </button>
        )}
      </div>
    </section>
  );
}
