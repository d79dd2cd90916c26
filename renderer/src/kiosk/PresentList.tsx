import type { PresentCustomer } from '../../../protocol/kiosk';
import { initials, tierLabel } from './names';
import { timeAgo } from './time-ago';

interface PresentListProps {
  customers: PresentCustomer[];
  problem: string | null;
  now: number;
  /** The row whose customer (or beacon) the middle of the screen is showing. */
  activeKey: string | null;
  onOpenCard: (profileId: string) => void;
  onEnrolVisitor: (beaconId: string) => void;
}

/** "Who is here": everyone at this counter, newest first. A tap opens the card, or enrols an unknown visitor. */
export function PresentList({ customers, problem, now, activeKey, onOpenCard, onEnrolVisitor }: PresentListProps) {
  return (
    <section className="k-present" aria-labelledby="k-present-title">
      <h2 id="k-present-title" className="k-section-title">
        At the counter <span className="k-count">{customers.length}</span>
      </h2>
      {problem && (
        <p className="k-inline-problem" role="status">
          List not updated: {problem}
        </p>
      )}
      <ul className="k-present-list" data-testid="present-list">
        {customers.map((customer) => (
          <li key={customer.key}>
            <PresentRow
              customer={customer}
              now={now}
              active={customer.key === activeKey}
              onOpenCard={onOpenCard}
              onEnrolVisitor={onEnrolVisitor}
            />
          </li>
        ))}
      </ul>
      {customers.length === 0 && !problem && <p className="k-empty-note">Nobody detected at the counter right now.</p>}
    </section>
  );
}

function PresentRow({
  customer,
  now,
  active,
  onOpenCard,
  onEnrolVisitor,
}: {
  customer: PresentCustomer;
  now: number;
  active: boolean;
  onOpenCard: (profileId: string) => void;
  onEnrolVisitor: (beaconId: string) => void;
}) {
  const known = customer.kind === 'known' && customer.profileId !== null;
  const name = known ? customer.displayName || 'Customer' : 'Unknown visitor';
  const ago = timeAgo(customer.since, now);
  const onClick = (): void => {
    if (known && customer.profileId) onOpenCard(customer.profileId);
    else if (customer.beaconId) onEnrolVisitor(customer.beaconId);
  };
  return (
    <button
      type="button"
      className={`k-present-item${known ? '' : ' is-anonymous'}${active ? ' is-active' : ''}`}
      data-testid="present-item"
      data-key={customer.key}
      data-kind={customer.kind}
      aria-current={active ? 'true' : undefined}
      onClick={onClick}
    >
      <span className="k-avatar" aria-hidden="true">
        {known ? initials(name) : '?'}
      </span>
      <span className="k-present-text">
        <span className="k-present-name">{name}</span>
        <span className="k-present-meta">
          {known && customer.tier && <span className="k-tier">{tierLabel(customer.tier)}</span>}
          <span>
            {customer.via === 'scan' ? 'Scanned' : 'Arrived'} {ago}
          </span>
          {!known && <span className="k-present-enrol">Tap to enrol</span>}
        </span>
      </span>
      {known && (
        <span className="k-present-action" aria-hidden="true">
          ›
        </span>
      )}
    </button>
  );
}
