import { useState, type FormEvent } from 'react';
import type { AgentRequestArgs } from '../../../protocol/bridge';
import type { PresentCustomer } from '../../../protocol/kiosk';
import { BirthdayField } from './BirthdayField';
import { birthdayInputOf, EMPTY_BIRTHDAY, type BirthdayDraft } from './birthday-input';
import { enrolArgs, initialBeacon, linkSummary, NO_CONSENTS, type EnrolConsents, type EnrolProblems } from './enrol-request';
import { LinkChoices } from './LinkChoices';
import { problemWords } from './problem-words';

interface EnrolFormProps {
  screenId: string;
  /** The anonymous visitor tapped to open the form. */
  tappedBeacon: string | null;
  /** Everyone at the counter; the anonymous ones are offered for linking. */
  present: PresentCustomer[];
  /** The unknown card just scanned, if any. */
  scannedCode: string | null;
  now: number;
  onEnrol: (args: AgentRequestArgs<'kiosk.enrol'>) => Promise<void>;
  onCancel: () => void;
}

/** Asked in the customer's own words; each one separately, and none assumed. */
const CONSENT_QUESTIONS: { key: keyof EnrolConsents; text: string }[] = [
  { key: 'greetPublic', text: 'Greet me by first name on the in-store screens' },
  { key: 'personalisedOffers', text: 'Send me personalised offers' },
  { key: 'tracking', text: 'Remember my visits to improve service' },
];

/** Enrol a new customer, and link what identifies them here: the card just scanned, their phone's beacon. */
export function EnrolForm({ screenId, tappedBeacon, present, scannedCode, now, onEnrol, onCancel }: EnrolFormProps) {
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const [birthday, setBirthday] = useState<BirthdayDraft>(EMPTY_BIRTHDAY);
  const [consents, setConsents] = useState<EnrolConsents>(NO_CONSENTS);
  const [linkScannedCode, setLinkScannedCode] = useState(true);
  const [beaconId, setBeaconId] = useState<string | null>(() => initialBeacon(tappedBeacon, present));
  const [problems, setProblems] = useState<EnrolProblems>({});
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  // Tapping another unknown visitor while the form is open points the link at them, keeping what was typed.
  const [seenTap, setSeenTap] = useState(tappedBeacon);
  if (tappedBeacon !== seenTap) {
    setSeenTap(tappedBeacon);
    if (tappedBeacon) setBeaconId(tappedBeacon);
  }

  const anonymous = present.filter((c): c is PresentCustomer & { beaconId: string } => c.kind === 'anonymous' && !!c.beaconId);
  // The tapped visitor stays offered even if they have just dropped off the list.
  const visitors = tappedBeacon && !anonymous.some((c) => c.beaconId === tappedBeacon) ? [{ beaconId: tappedBeacon, since: null }, ...anonymous] : anonymous;

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (submitting) return;
    const result = enrolArgs({ firstName, lastName, birthday: birthdayInputOf(birthday), consents, linkScannedCode, beaconId }, screenId, scannedCode);
    if (!result.ok) {
      setProblems(result.problems);
      return;
    }
    setProblems({});
    setFailure(null);
    setSubmitting(true);
    try {
      await onEnrol(result.args);
    } catch (error) {
      setFailure(problemWords(error));
      setSubmitting(false);
    }
  };

  return (
    <form
      className="k-enrol"
      data-testid="enrol-form"
      onSubmit={(e) => void submit(e)}
      // Enter in a field does not enrol: the consents must have been gone through first, so only the button does.
      onKeyDown={(e) => {
        if (e.key === 'Enter' && e.target instanceof HTMLInputElement) e.preventDefault();
      }}
      noValidate
    >
      <header className="k-enrol-head">
        <h2 className="k-card-name">Enrol new customer</h2>
        <button type="button" className="k-button k-button-quiet" data-testid="enrol-cancel" onClick={onCancel}>
          Cancel
        </button>
      </header>

      <fieldset className="k-enrol-body" disabled={submitting}>
        <legend className="k-visually-hidden">New customer</legend>
        <div className="k-field-row">
          <label className="k-field">
            <span className="k-field-label">
              First name <span className="k-required">required</span>
            </span>
            <input
              type="text"
              className={`k-input${problems.firstName ? ' is-invalid' : ''}`}
              data-testid="enrol-first-name"
              autoComplete="off"
              maxLength={80}
              value={firstName}
              aria-invalid={!!problems.firstName}
              onChange={(e) => setFirstName(e.target.value)}
            />
            {problems.firstName && <span className="k-field-problem">{problems.firstName}</span>}
          </label>
          <label className="k-field">
            <span className="k-field-label">Last name</span>
            <input
              type="text"
              className="k-input"
              data-testid="enrol-last-name"
              autoComplete="off"
              maxLength={80}
              value={lastName}
              onChange={(e) => setLastName(e.target.value)}
            />
          </label>
        </div>

        <BirthdayField value={birthday} onChange={setBirthday} problem={problems.birthday ?? null} />

        <div className="k-field">
          <span className="k-field-label">Ask the customer: they are all off until the customer says yes</span>
          <div className="k-consent-questions">
            {CONSENT_QUESTIONS.map(({ key, text }) => (
              <label key={key} className="k-switch">
                <input
                  type="checkbox"
                  role="switch"
                  className="k-switch-input"
                  data-testid={`consent-${key}`}
                  checked={consents[key]}
                  onChange={(e) => setConsents((previous) => ({ ...previous, [key]: e.target.checked }))}
                />
                <span className="k-switch-text">“{text}”</span>
                <span className="k-switch-state">{consents[key] ? 'Yes' : 'No'}</span>
              </label>
            ))}
          </div>
        </div>

        <LinkChoices
          scannedCode={scannedCode}
          linkScannedCode={linkScannedCode}
          onLinkScannedCode={setLinkScannedCode}
          visitors={visitors}
          beaconId={beaconId}
          onBeacon={setBeaconId}
          now={now}
        />
      </fieldset>

      <footer className="k-enrol-foot">
        {/* What submitting will link, beside the button: staff see it without scrolling back. */}
        <p className="k-enrol-linking" data-testid="enrol-linking">
          {linkSummary(linkScannedCode ? scannedCode : null, beaconId)}
        </p>
        {failure && (
          <p className="k-inline-problem" role="alert" data-testid="enrol-error">
            Not enrolled: {failure}
          </p>
        )}
        <button type="submit" className="k-button k-button-primary k-enrol-submit" data-testid="enrol-submit" disabled={submitting}>
          {submitting ? 'Enrolling…' : 'Enrol customer'}
        </button>
      </footer>
    </form>
  );
}
