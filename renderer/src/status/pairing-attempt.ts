import { problemWords } from '../kiosk/problem-words';
import { needsPairing } from './status-view-words';

/**
 * One pairing attempt from the status view. `sync.pair` only starts it: the agent answers
 * "pairing" at once and then asks head office, so whether the code was right shows up in a
 * later status. `after` is the ticket of the moment the agent took the code; a status asked
 * for before then says nothing about this code and is not read as its outcome.
 */
export type PairingAttempt =
  | { phase: 'idle'; error: string | null }
  | { phase: 'sending' }
  | { phase: 'waiting'; after: number };

export type PairingAction =
  | { type: 'invalid'; problem: string }
  | { type: 'send' }
  | { type: 'refused'; error: unknown }
  | { type: 'accepted'; after: number }
  | { type: 'status'; ticket: number; state: string | null; lastError: string | null };

export const NO_ATTEMPT: PairingAttempt = { phase: 'idle', error: null };

export function pairingReducer(attempt: PairingAttempt, action: PairingAction): PairingAttempt {
  switch (action.type) {
    case 'invalid':
      return attempt.phase === 'idle' ? { phase: 'idle', error: action.problem } : attempt;
    case 'send':
      return attempt.phase === 'idle' ? { phase: 'sending' } : attempt;
    case 'refused':
      return attempt.phase === 'sending' ? { phase: 'idle', error: problemWords(action.error) } : attempt;
    case 'accepted':
      return attempt.phase === 'sending' ? { phase: 'waiting', after: action.after } : attempt;
    case 'status':
      if (attempt.phase !== 'waiting' || action.ticket <= attempt.after || action.state === 'pairing') return attempt;
      if (needsPairing(action.state)) {
        // Back to waiting for a code: head office turned this one down, and the agent says why.
        return { phase: 'idle', error: action.lastError ? problemWords(action.lastError) : 'Head office did not accept the code.' };
      }
      return NO_ATTEMPT;
  }
}

/** The form stays up while a code is on its way, so it does not blink away and back on a wrong code. */
export function showPairingForm(state: string | null, attempt: PairingAttempt): boolean {
  return needsPairing(state) || attempt.phase !== 'idle';
}
