import { describe, expect, it } from 'vitest';
import { NO_ATTEMPT, pairingReducer, showPairingForm, type PairingAction, type PairingAttempt } from './pairing-attempt';

const run = (actions: PairingAction[], from: PairingAttempt = NO_ATTEMPT): PairingAttempt => actions.reduce(pairingReducer, from);
const REFUSED = 'pairing refused: the pairing code is unknown, already used or expired';

describe('pairingReducer', () => {
  it('shows a code the screen itself can tell is wrong, without sending it', () => {
    expect(run([{ type: 'invalid', problem: 'A pairing code is 8 letters and digits; this has 3.' }])).toEqual({
      phase: 'idle',
      error: 'A pairing code is 8 letters and digits; this has 3.',
    });
  });

  it('shows why the agent would not take the code', () => {
    expect(run([{ type: 'send' }, { type: 'refused', error: new Error('this device is online, not waiting for a pairing code') }])).toEqual({
      phase: 'idle',
      error: 'This device is online, not waiting for a pairing code',
    });
  });

  it('waits for a status asked for after the agent took the code', () => {
    const waiting = run([{ type: 'send' }, { type: 'accepted', after: 10 }]);
    expect(waiting).toEqual({ phase: 'waiting', after: 10 });
    // An answer to a question asked before the code went in still says "unpaired": not this code's outcome.
    expect(run([{ type: 'status', ticket: 9, state: 'unpaired', lastError: 'no pairing code configured' }], waiting)).toBe(waiting);
    expect(run([{ type: 'status', ticket: 10, state: 'unpaired', lastError: 'no pairing code configured' }], waiting)).toBe(waiting);
    // Still asking head office.
    expect(run([{ type: 'status', ticket: 11, state: 'pairing', lastError: null }], waiting)).toBe(waiting);
  });

  it('shows head office turning the code down, in the agent’s words', () => {
    const waiting = run([{ type: 'send' }, { type: 'accepted', after: 10 }]);
    expect(run([{ type: 'status', ticket: 12, state: 'unpaired', lastError: REFUSED }], waiting)).toEqual({
      phase: 'idle',
      error: 'Pairing refused: the pairing code is unknown, already used or expired',
    });
    expect(run([{ type: 'status', ticket: 12, state: 'revoked', lastError: null }], waiting)).toEqual({
      phase: 'idle',
      error: 'Head office did not accept the code.',
    });
  });

  it('is done, without an error, once the link has moved on', () => {
    const waiting = run([{ type: 'send' }, { type: 'accepted', after: 10 }]);
    for (const state of ['connecting', 'online', 'offline']) {
      expect(run([{ type: 'status', ticket: 11, state, lastError: null }], waiting)).toEqual(NO_ATTEMPT);
    }
  });

  it('sends one code at a time, and a new attempt clears the last error', () => {
    const sending = run([{ type: 'invalid', problem: 'x' }, { type: 'send' }]);
    expect(sending).toEqual({ phase: 'sending' });
    expect(run([{ type: 'send' }, { type: 'invalid', problem: 'y' }], sending)).toBe(sending);
    const waiting = run([{ type: 'accepted', after: 3 }], sending);
    expect(run([{ type: 'send' }, { type: 'refused', error: 'late' }, { type: 'accepted', after: 4 }], waiting)).toBe(waiting);
  });

  it('ignores statuses when no code is on its way', () => {
    const failed: PairingAttempt = { phase: 'idle', error: 'Pairing refused' };
    expect(run([{ type: 'status', ticket: 50, state: 'unpaired', lastError: 'other' }], failed)).toBe(failed);
  });
});

describe('showPairingForm', () => {
  it('shows while the agent waits for a code, and while one is on its way', () => {
    expect(showPairingForm('unpaired', NO_ATTEMPT)).toBe(true);
    expect(showPairingForm('revoked', NO_ATTEMPT)).toBe(true);
    expect(showPairingForm('pairing', { phase: 'waiting', after: 1 })).toBe(true);
    expect(showPairingForm('unpaired', { phase: 'sending' })).toBe(true);
    expect(showPairingForm('online', NO_ATTEMPT)).toBe(false);
    expect(showPairingForm('not-configured', NO_ATTEMPT)).toBe(false);
    expect(showPairingForm(null, NO_ATTEMPT)).toBe(false);
  });
});
