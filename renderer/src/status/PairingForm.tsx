import { useId, useState, type FormEvent } from 'react';
import type { PairingAttempt } from './pairing-attempt';
import { PAIRING_CODE_LENGTH } from './pairing-code';

interface PairingFormProps {
  attempt: PairingAttempt;
  onSubmit: (typed: string) => void;
}

/** The one-time code head office gives for this device, typed on the device itself. */
export function PairingForm({ attempt, onSubmit }: PairingFormProps) {
  const [typed, setTyped] = useState('');
  const fieldId = useId();
  const errorId = useId();
  const busy = attempt.phase !== 'idle';
  const error = attempt.phase === 'idle' ? attempt.error : null;

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    onSubmit(typed);
  };

  return (
    <form className="sv-pairing" data-testid="pairing-form" onSubmit={submit} noValidate>
      <label className="sv-pairing-label" htmlFor={fieldId}>
        Pairing code from head office
      </label>
      <p className="sv-pairing-hint">{PAIRING_CODE_LENGTH} letters and digits, as given when this device was added at head office.</p>
      <div className="sv-pairing-row">
        <input
          id={fieldId}
          className="sv-pairing-code"
          data-testid="pairing-code"
          value={typed}
          onChange={(event) => setTyped(event.target.value)}
          readOnly={busy}
          autoFocus
          autoComplete="off"
          autoCorrect="off"
          autoCapitalize="characters"
          spellCheck={false}
          maxLength={24}
          aria-invalid={error !== null}
          aria-describedby={error !== null ? errorId : undefined}
        />
        <button type="submit" className="sv-button" data-testid="pair-submit" disabled={busy}>
          {busy ? 'Pairing…' : 'Pair'}
        </button>
      </div>
      {busy && (
        <p className="sv-pairing-progress" data-testid="pairing-progress" role="status">
          {attempt.phase === 'sending' ? 'Sending the code to the store agent…' : 'Checking the code with head office…'}
        </p>
      )}
      {error !== null && (
        <p id={errorId} className="sv-pairing-error" data-testid="pairing-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
