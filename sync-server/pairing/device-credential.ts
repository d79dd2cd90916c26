/**
 * A paired device's long-lived secret. 32 random bytes (256 bits) cannot be guessed, so a
 * fast unsalted sha256 is enough to store it: slow, salted hashes exist to protect
 * low-entropy passwords from dictionary attacks, which do not apply here.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function generateCredential(): string {
  return randomBytes(32).toString('base64url');
}

export function hashCredential(credential: string): string {
  return createHash('sha256').update(credential).digest('hex');
}

/** Constant-time, so response timing says nothing about how much of a guess was right. */
export function credentialMatches(credential: string, storedHash: string): boolean {
  const given = Buffer.from(hashCredential(credential), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
