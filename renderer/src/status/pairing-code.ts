/** Head office's pairing codes are 8 letters and digits; the agent takes them in capitals. */
export const PAIRING_CODE_LENGTH = 8;

/**
 * What a technician typed, as the agent wants it: capitals, without the spaces and dashes
 * people put in to read a code out in halves ("abcd-2345" is ABCD2345).
 */
export function normalisePairingCode(typed: string): string {
  return typed.replace(/[\s-]+/g, '').toUpperCase();
}

export type PairingCodeCheck = { ok: true; code: string } | { ok: false; problem: string };

export function checkPairingCode(typed: string): PairingCodeCheck {
  const code = normalisePairingCode(typed);
  if (code === '') return { ok: false, problem: 'Type the pairing code from head office.' };
  if (!/^[A-Z0-9]+$/.test(code)) return { ok: false, problem: 'A pairing code has only letters and digits.' };
  if (code.length !== PAIRING_CODE_LENGTH) {
    return { ok: false, problem: `A pairing code is ${PAIRING_CODE_LENGTH} letters and digits; this has ${code.length}.` };
  }
  return { ok: true, code };
}
