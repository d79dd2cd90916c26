import type { ReactNode } from 'react';
import type { CustomerCard, KioskOffer, UsualOrder } from '../../../protocol/kiosk';
import { fullName, tierLabel } from './names';
import { lastVisitWords } from './last-visit-words';

interface CustomerCardViewProps {
  card: CustomerCard;
  /** The offer on the order now, if any. */
  appliedOfferId: string | null;
  /** The order holds exactly the usual order already. */
  usualInOrder: boolean;
  onApplyOffer: (offerId: string) => void;
  onUseUsual: () => void;
  onClose: () => void;
  /** Shown above the card: a scanned card waiting to be linked. */
  notice?: ReactNode;
}

const CONSENTS: { key: keyof CustomerCard['consents']; label: string }[] = [
  { key: 'greetPublic', label: 'Screen greeting' },
  { key: 'personalisedOffers', label: 'Personal offers' },
  { key: 'tracking', label: 'Visit history' },
];

/** The customer at the till: who they are, what to watch for (allergies), what they usually have. */
export function CustomerCardView({ card, appliedOfferId, usualInOrder, onApplyOffer, onUseUsual, onClose, notice }: CustomerCardViewProps) {
  const name = fullName(card);
  return (
    <article className="k-card" data-testid="customer-card" data-profile-id={card.profileId} aria-labelledby="k-card-name">
      {notice}
      <header className="k-card-head">
        <div className="k-card-title">
          <h2 id="k-card-name" className="k-card-name" data-testid="card-name">
            {name}
          </h2>
          {card.tier && (
            <span className="k-tier k-tier-large" data-testid="card-tier">
              {tierLabel(card.tier)}
            </span>
          )}
          {card.birthdayToday && (
            <span className="k-badge-birthday" data-testid="birthday-today">
              Birthday today
            </span>
          )}
        </div>
        <button type="button" className="k-button k-button-quiet" data-testid="close-card" onClick={onClose}>
          Close
        </button>
      </header>

      <dl className="k-stats">
        <div>
          <dt>Points</dt>
          <dd data-testid="card-points">{card.points.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Visits</dt>
          <dd data-testid="card-visits">{card.visitCount.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Last visit</dt>
          <dd data-testid="card-last-visit">{lastVisitWords(card.daysSinceLastVisit)}</dd>
        </div>
      </dl>
      <div className="k-card-grid">
        <div className="k-card-col">
          {card.allergies.length > 0 && (
            <div className="k-allergies" data-testid="allergies" role="note">
              <span className="k-allergies-label">⚠ Allergies</span>
              <span className="k-allergies-list">{card.allergies.join(' · ')}</span>
            </div>
          )}
          <CardDetails card={card} />
        </div>
        <div className="k-card-col">
          {card.offers.length > 0 && <CardOffers offers={card.offers} appliedOfferId={appliedOfferId} onApplyOffer={onApplyOffer} />}
          {card.usualOrder && <UsualOrderRow usual={card.usualOrder} inOrder={usualInOrder} onUse={onUseUsual} />}
        </div>
      </div>
    </article>
  );
}

/** Preferences, consents and contact: quieter, for when staff need them. */
function CardDetails({ card }: { card: CustomerCard }) {
  return (
    <div className="k-card-details">
      {card.preferences.length > 0 && (
        <p className="k-detail" data-testid="preferences">
          <span className="k-detail-label">Prefers</span>
          {card.preferences.join(' · ')}
        </p>
      )}
      <div className="k-detail k-consents" data-testid="consents">
        <span className="k-detail-label">Consents</span>
        {CONSENTS.map(({ key, label }) => (
          <span key={key} className={`k-consent${card.consents[key] ? ' is-on' : ''}`} data-testid={`card-consent-${key}`} data-on={card.consents[key]}>
            <span aria-hidden="true">{card.consents[key] ? '✓' : '✕'}</span> {label}
            <span className="k-visually-hidden">{card.consents[key] ? ': yes' : ': no'}</span>
          </span>
        ))}
      </div>
      {(card.maskedEmail || card.maskedPhone) && (
        <p className="k-detail k-contact">
          <span className="k-detail-label">Contact</span>
          {card.maskedEmail && (
            <span className="k-contact-item" data-testid="masked-email">
              {card.maskedEmail}
            </span>
          )}
          {card.maskedPhone && (
            <span className="k-contact-item" data-testid="masked-phone">
              {card.maskedPhone}
            </span>
          )}
        </p>
      )}
    </div>
  );
}

/** The customer's offers; tapping one puts it on the order, tapping it again takes it off. */
function CardOffers({ offers, appliedOfferId, onApplyOffer }: { offers: KioskOffer[]; appliedOfferId: string | null; onApplyOffer: (offerId: string) => void }) {
  return (
    <section className="k-offers" aria-label="Offers">
      <h3 className="k-subtitle">Offers · tap to apply one</h3>
      <div className="k-offer-list">
        {offers.map((offer) => {
          const applied = offer.id === appliedOfferId;
          return (
            <button
              key={offer.id}
              type="button"
              className={`k-offer${applied ? ' is-applied' : ''}`}
              data-testid="offer"
              data-offer-id={offer.id}
              aria-pressed={applied}
              onClick={() => onApplyOffer(offer.id)}
            >
              <span className="k-offer-title">
                {applied && <span aria-hidden="true">✓ </span>}
                {offer.title}
              </span>
              <span className="k-offer-text">{offer.description}</span>
            </button>
          );
        })}
      </div>
    </section>
  );
}

/** The usual order is already on the order when the card opens (its lines are there); this says why, and puts it back after edits. */
function UsualOrderRow({ usual, inOrder, onUse }: { usual: UsualOrder; inOrder: boolean; onUse: () => void }) {
  return (
    <section className="k-usual" data-testid="usual-order">
      <p className="k-usual-text">
        <span className="k-subtitle">Usual order</span>{' '}
        <span className="k-usual-basis" data-testid="usual-basis">
          {usual.basis}
        </span>
      </p>
      {inOrder ? (
        <span className="k-usual-state">✓ In the order</span>
      ) : (
        <button type="button" className="k-button" data-testid="use-usual" onClick={onUse}>
          Use usual order
        </button>
      )}
    </section>
  );
}
