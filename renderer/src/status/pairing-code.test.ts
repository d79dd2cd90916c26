import { describe, expect, it } from 'vitest';
import { checkPairingCode, normalisePairingCode } from './pairing-code';

describe('normalisePairingCode', () => {
  it('takes any case and drops the spaces and dashes a code is read out with', () => {
    expect(normalisePairingCode('abcd2345')).toBe('ABCD2345');
    expect(normalisePairingCode(' AbCd-2345 ')).toBe('ABCD2345');
    expect(normalisePairingCode('abcd 2345')).toBe('ABCD2345');
    expect(normalisePairingCode('ab\tcd--23 45')).toBe('ABCD2345');
  });
});

describe('checkPairingCode', () => {
  it('accepts 8 letters and digits in any case', () => {
    expect(checkPairingCode('hjkm7x9q')).toEqual({ ok: true, code: 'HJKM7X9Q' });
    expect(checkPairingCode('HJKM-7X9Q')).toEqual({ ok: true, code: 'HJKM7X9Q' });
    expect(checkPairingCode('12345678')).toEqual({ ok: true, code: '12345678' });
  });

  it('says what is wrong with anything else', () => {
    expect(checkPairingCode('')).toEqual({ ok: false, problem: 'Type the pairing code from head office.' });
    expect(checkPairingCode('  - ')).toEqual({ ok: false, problem: 'Type the pairing code from head office.' });
    expect(checkPairingCode('abc')).toEqual({ ok: false, problem: 'A pairing code is 8 letters and digits; this has 3.' });
    expect(checkPairingCode('ABCD23456')).toEqual({ ok: false, problem: 'A pairing code is 8 letters and digits; this has 9.' });
    expect(checkPairingCode('ABCD_234')).toEqual({ ok: false, problem: 'A pairing code has only letters and digits.' });
    expect(checkPairingCode('ABCDÉ234')).toEqual({ ok: false, problem: 'A pairing code has only letters and digits.' });
  });
});
