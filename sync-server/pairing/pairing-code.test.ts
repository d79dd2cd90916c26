import { describe, expect, it } from 'vitest';
import { pairRequestSchema } from '../../protocol/sync';
import { generatePairingCode, hashPairingCode, isWellFormedPairingCode, PAIRING_ALPHABET } from './pairing-code';

describe('pairing codes', () => {
  it('are 8 characters of an alphabet without look-alikes, accepted by the protocol', () => {
    expect(PAIRING_ALPHABET).not.toMatch(/[01OIL]/);
    for (let i = 0; i < 500; i += 1) {
      const code = generatePairingCode();
      expect(code).toMatch(/^[A-Z0-9]{8}$/);
      expect(code).not.toMatch(/[01OIL]/);
      expect(isWellFormedPairingCode(code)).toBe(true);
      expect(pairRequestSchema.safeParse({ code }).success).toBe(true);
    }
  });

  it('do not repeat in practice and use the whole alphabet', () => {
    const codes = new Set(Array.from({ length: 2000 }, generatePairingCode));
    expect(codes.size).toBe(2000);
    const seen = new Set([...codes].join(''));
    expect(seen.size).toBe(PAIRING_ALPHABET.length);
  });

  it('tells malformed codes apart', () => {
    for (const code of ['ABCDEFG', 'ABCDEFGHJ', 'ABCDEFG0', 'abcdefgh', 'ABCD EFG']) expect(isWellFormedPairingCode(code)).toBe(false);
  });

  it('are stored as a keyed hash: the same code under another key hashes differently', () => {
    const code = generatePairingCode();
    const key = Buffer.alloc(32, 1);
    expect(hashPairingCode(code, key)).toBe(hashPairingCode(code, key));
    expect(hashPairingCode(code, key)).not.toContain(code);
    expect(hashPairingCode(code, Buffer.alloc(32, 2))).not.toBe(hashPairingCode(code, key));
  });
});
