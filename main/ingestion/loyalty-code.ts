/**
 * What a scanned code means: a loyalty card, our app's QR code, or nothing we can use.
 * The reasons are shown to staff at the counter, so they say what to do in plain words.
 */

export type ScanIdentification =
  | { ok: true; identifier: { kind: 'loyalty' | 'app'; value: string } }
  | { ok: false; reason: string };

/**
 * Our app's QR code. Today it carries the app id in the clear; the head-office sync issue
 * replaces it with a signed short-lived token, so a screenshot cannot be replayed.
 */
export const APP_CODE_PREFIX = 'soo:app:';
export const APP_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const EAN13_PATTERN = /^[0-9]{13}$/;
export const LOYALTY_MIN_LENGTH = 4;
export const LOYALTY_MAX_LENGTH = 64;

/** Check digit of the first 12 digits, weights 1,3,1,3… from the left (GS1). */
export function ean13CheckDigit(first12: string): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += (first12.charCodeAt(i) - 48) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10;
}

/**
 * GS1 keeps 020–029 and 040–049 (restricted circulation, UPC number systems 2 and 4) and
 * 200–299 for numbers a retailer issues itself; loyalty cards live there, products do not.
 */
export function isInStoreEan13(code: string): boolean {
  const first = code.charCodeAt(0);
  const second = code.charCodeAt(1);
  return first === 0x32 || (first === 0x30 && (second === 0x32 || second === 0x34));
}

function isPrintableAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/**
 * A 12-digit UPC-A or 8-digit EAN-8 product code would pass as a Code 128 loyalty number
 * here; telling them apart needs the symbology, which keyboard-wedge scanners do not send.
 * The profile lookup then simply finds no one.
 */
export function identifyScanCode(code: string): ScanIdentification {
  const text = code.trim();
  if (text.length === 0) return { ok: false, reason: 'nothing was scanned' };

  if (EAN13_PATTERN.test(text)) {
    if (ean13CheckDigit(text) !== text.charCodeAt(12) - 48) {
      return { ok: false, reason: 'EAN-13 check digit does not match: a misread, scan again' };
    }
    if (!isInStoreEan13(text)) return { ok: false, reason: 'a product barcode, not a loyalty card' };
    return { ok: true, identifier: { kind: 'loyalty', value: text } };
  }

  if (text.toLowerCase().startsWith('soo:')) {
    const appId = text.startsWith(APP_CODE_PREFIX) ? text.slice(APP_CODE_PREFIX.length) : '';
    if (!APP_ID_PATTERN.test(appId)) {
      return { ok: false, reason: "this looks like our app's code but it is damaged or out of date: open the app and show it again" };
    }
    return { ok: true, identifier: { kind: 'app', value: appId } };
  }

  if (!isPrintableAscii(text)) {
    return { ok: false, reason: 'the code has characters a loyalty card never carries: not one of our cards' };
  }
  if (text.length < LOYALTY_MIN_LENGTH) return { ok: false, reason: 'too short to be a loyalty card number' };
  if (text.length > LOYALTY_MAX_LENGTH) return { ok: false, reason: 'too long to be a loyalty card number' };
  // Dashes and slashes are kept: card numbers such as "LC-2024/0017" are printed and stored with them.
  return { ok: true, identifier: { kind: 'loyalty', value: text } };
}
