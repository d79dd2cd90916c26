import { describe, expect, it } from 'vitest';
import { ean13CheckDigit, identifyScanCode } from './loyalty-code';

describe('ean13CheckDigit', () => {
  it('computes real check digits', () => {
    expect(ean13CheckDigit('400638133393')).toBe(1);
    expect(ean13CheckDigit('590123412345')).toBe(7);
    expect(ean13CheckDigit('200000012345')).toBe(5);
    expect(ean13CheckDigit('250000000099')).toBe(7);
  });
});

describe('identifyScanCode', () => {
  it.each([['2000000123455'], ['2500000000997'], ['0212345678909'], ['0412345678903'], ['2900000000018']])(
    'takes in-store EAN-13 %s as a loyalty card',
    (code) => {
      expect(identifyScanCode(code)).toEqual({ ok: true, identifier: { kind: 'loyalty', value: code } });
    },
  );

  it('asks for a rescan when the check digit does not match', () => {
    expect(identifyScanCode('2000000123456')).toEqual({
      ok: false,
      reason: 'EAN-13 check digit does not match: a misread, scan again',
    });
    expect(identifyScanCode('4006381333932')).toMatchObject({ ok: false, reason: expect.stringContaining('check digit') });
  });

  it.each([['4006381333931'], ['5901234123457'], ['0300000000018'], ['1234567890128']])(
    'refuses product barcode %s',
    (code) => {
      expect(identifyScanCode(code)).toEqual({ ok: false, reason: 'a product barcode, not a loyalty card' });
    },
  );

  it("reads our app's QR code", () => {
    expect(identifyScanCode('soo:app:u_8f3K-2x')).toEqual({ ok: true, identifier: { kind: 'app', value: 'u_8f3K-2x' } });
    expect(identifyScanCode(' soo:app:abc\n')).toEqual({ ok: true, identifier: { kind: 'app', value: 'abc' } });
  });

  it('refuses damaged app codes instead of treating them as loyalty numbers', () => {
    for (const code of ['soo:app:', 'soo:app:has space', `soo:app:${'a'.repeat(65)}`, 'soo:app:a/b', 'SOO:APP:abc', 'soo:xyz']) {
      expect(identifyScanCode(code)).toMatchObject({ ok: false });
    }
  });

  it('keeps dashes, slashes and case in Code 128 loyalty numbers', () => {
    expect(identifyScanCode('  LC-2024/00017 ')).toEqual({ ok: true, identifier: { kind: 'loyalty', value: 'LC-2024/00017' } });
    expect(identifyScanCode('ab/cd-EF')).toEqual({ ok: true, identifier: { kind: 'loyalty', value: 'ab/cd-EF' } });
    expect(identifyScanCode('----')).toEqual({ ok: true, identifier: { kind: 'loyalty', value: '----' } });
  });

  it('treats a 13-character code with a dash as Code 128, not EAN-13', () => {
    expect(identifyScanCode('200000-123455')).toEqual({ ok: true, identifier: { kind: 'loyalty', value: '200000-123455' } });
  });

  it('enforces 4 to 64 characters', () => {
    expect(identifyScanCode('abc')).toMatchObject({ ok: false, reason: expect.stringContaining('too short') });
    expect(identifyScanCode('a'.repeat(4))).toMatchObject({ ok: true });
    expect(identifyScanCode('a'.repeat(64))).toMatchObject({ ok: true });
    expect(identifyScanCode('a'.repeat(65))).toMatchObject({ ok: false, reason: expect.stringContaining('too long') });
  });

  it('rejects control characters and non-ASCII', () => {
    expect(identifyScanCode('LC\u001d2024')).toMatchObject({ ok: false });
    expect(identifyScanCode('LC\t2024')).toMatchObject({ ok: false });
    expect(identifyScanCode('carte-fidélité')).toMatchObject({ ok: false });
  });

  it('rejects an empty scan', () => {
    expect(identifyScanCode('  \r\n')).toEqual({ ok: false, reason: 'nothing was scanned' });
  });
});
