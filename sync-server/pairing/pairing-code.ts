/**
 * The code an admin reads out (or types) to pair a device: 8 characters from an alphabet
 * without look-alikes (no 0/O, 1/I/L), so it survives being read over the phone. 31^8 is
 * about 8.5·10^11; with a 15-minute life, single use and rate-limited attempts, guessing
 * one is hopeless.
 */
import { createHmac, randomInt } from 'node:crypto';

export const PAIRING_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const PAIRING_CODE_LENGTH = 8;

export function generatePairingCode(): string {
  let code = '';
  // randomInt is uniform (no modulo bias) and from the CSPRNG.
  for (let i = 0; i < PAIRING_CODE_LENGTH; i += 1) code += PAIRING_ALPHABET[randomInt(PAIRING_ALPHABET.length)];
  return code;
}

/** Whether a string could be a code this server issued (right length, right alphabet). */
export function isWellFormedPairingCode(code: string): boolean {
  return code.length === PAIRING_CODE_LENGTH && [...code].every((c) => PAIRING_ALPHABET.includes(c));
}

/**
 * The code's stored form. A plain sha256 of 40 bits of entropy could be brute-forced from
 * a stolen database within the code's life, so it is keyed (HMAC) with a secret kept
 * outside the database.
 */
export function hashPairingCode(code: string, key: Buffer): string {
  return createHmac('sha256', key).update(code).digest('hex');
}
