import { describe, expect, it } from 'vitest';
import { matchScanTopic, parseScan } from './scan-parser';

const AT = 1_700_000_000_000;

describe('matchScanTopic', () => {
  it('takes a slug screen id', () => {
    expect(matchScanTopic(['counter'])).toEqual({ kind: 'screen', screenId: 'counter' });
  });

  it('rejects ids a screen can never have and deeper topics', () => {
    expect(matchScanTopic(['Counter'])).toMatchObject({ kind: 'rejected', reason: 'unknown-topic' });
    expect(matchScanTopic(['counter', 'x'])).toMatchObject({ kind: 'rejected', reason: 'unknown-topic' });
    expect(matchScanTopic([''])).toMatchObject({ kind: 'rejected', reason: 'unknown-topic' });
  });
});

describe('parseScan', () => {
  it('reads plain text and trims the scanner suffix', () => {
    expect(parseScan('counter', '  2000000123455\r\n', AT)).toEqual({
      kind: 'scan',
      scan: { screenId: 'counter', code: '2000000123455', symbology: undefined, at: AT },
    });
  });

  it('reads JSON with a symbology', () => {
    expect(parseScan('counter', '{"code":" LC-2024/0017 ","symbology":"code128"}', AT)).toEqual({
      kind: 'scan',
      scan: { screenId: 'counter', code: 'LC-2024/0017', symbology: 'code128', at: AT },
    });
  });

  it('rejects broken JSON instead of looking it up as a code', () => {
    expect(parseScan('counter', '{"code":"123', AT)).toMatchObject({ kind: 'rejected', reason: 'not-json' });
  });

  it('rejects JSON without a code string or with a bad symbology', () => {
    expect(parseScan('counter', '{"value":"123"}', AT)).toMatchObject({ reason: 'invalid-fields' });
    expect(parseScan('counter', '{"code":123}', AT)).toMatchObject({ reason: 'invalid-fields' });
    expect(parseScan('counter', '{"code":"123","symbology":"ean 13!"}', AT)).toMatchObject({ reason: 'invalid-fields' });
  });

  it('rejects empty, oversized and control-character codes', () => {
    expect(parseScan('counter', '   ', AT)).toMatchObject({ kind: 'rejected', reason: 'invalid-fields' });
    expect(parseScan('counter', '{"code":"  "}', AT)).toMatchObject({ reason: 'invalid-fields' });
    expect(parseScan('counter', '1'.repeat(513), AT)).toMatchObject({ reason: 'invalid-fields' });
    expect(parseScan('counter', '1'.repeat(512), AT)).toMatchObject({ kind: 'scan' });
    expect(parseScan('counter', '12\u001d34', AT)).toMatchObject({ reason: 'invalid-fields' });
    expect(parseScan('counter', '12\u007f34', AT)).toMatchObject({ reason: 'invalid-fields' });
    expect(parseScan('counter', '12\u009b34', AT)).toMatchObject({ reason: 'invalid-fields' });
  });

  it('keeps non-ASCII text as long as it has no control characters', () => {
    expect(parseScan('counter', 'carte-fidélité', AT)).toMatchObject({ kind: 'scan', scan: { code: 'carte-fidélité' } });
  });
});
