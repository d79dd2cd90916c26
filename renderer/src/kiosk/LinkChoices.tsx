import { beaconTail } from './enrol-request';
import { timeAgo } from './time-ago';

interface LinkChoicesProps {
  scannedCode: string | null;
  linkScannedCode: boolean;
  onLinkScannedCode: (link: boolean) => void;
  /** Anonymous visitors at the counter; `since` is null for one tapped who has since dropped off the list. */
  visitors: { beaconId: string; since: string | null }[];
  beaconId: string | null;
  onBeacon: (beaconId: string | null) => void;
  now: number;
}

/** What enrolment will attach to the new customer: the card just scanned, and at most one visitor's beacon. */
export function LinkChoices({ scannedCode, linkScannedCode, onLinkScannedCode, visitors, beaconId, onBeacon, now }: LinkChoicesProps) {
  return (
    <div className="k-field">
      <span className="k-field-label">Link to this customer</span>
      {!scannedCode && visitors.length === 0 && <p className="k-empty-note">Nothing to link: no card scanned and no unknown visitor at the counter.</p>}
      <div className="k-link-options">
        {scannedCode && (
          <label className="k-check">
            <input
              type="checkbox"
              className="k-check-input"
              data-testid="link-scanned-code"
              checked={linkScannedCode}
              onChange={(e) => onLinkScannedCode(e.target.checked)}
            />
            <span>
              Card just scanned <code>{scannedCode}</code>
            </span>
          </label>
        )}
        {visitors.length > 1 && !beaconId && <p className="k-muted k-link-hint">Several unknown visitors are at the counter: tick the customer’s.</p>}
        {visitors.map((visitor) => (
          <label key={visitor.beaconId} className="k-check">
            <input
              type="checkbox"
              className="k-check-input"
              data-testid="link-beacon"
              data-beacon-id={visitor.beaconId}
              checked={beaconId === visitor.beaconId}
              // One phone per customer here: ticking one visitor unticks any other.
              onChange={(e) => onBeacon(e.target.checked ? visitor.beaconId : null)}
            />
            <span>
              Visitor at the counter <span className="k-muted">{beaconTail(visitor.beaconId)}</span>
              {visitor.since && <span className="k-muted"> · arrived {timeAgo(visitor.since, now)}</span>}
            </span>
          </label>
        ))}
      </div>
    </div>
  );
}
