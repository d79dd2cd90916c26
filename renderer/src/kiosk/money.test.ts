import { describe, expect, it } from 'vitest';
import { formatMoney } from './money';

describe('formatMoney', () => {
  it('formats minor units in the store currency', () => {
    expect(formatMoney(420, 'GBP', 'en-GB')).toBe('£4.20');
    expect(formatMoney(0, 'GBP', 'en-GB')).toBe('£0.00');
    expect(formatMoney(123456, 'USD', 'en-US')).toBe('$1,234.56');
  });

  it('follows the currency’s own minor unit', () => {
    expect(formatMoney(320, 'JPY', 'en-US')).toBe('¥320');
    expect(formatMoney(3200, 'BHD', 'en-GB')).toMatch(/^BHD\s3\.200$/);
  });

  it('falls back to a plain figure without a usable currency', () => {
    expect(formatMoney(420, null)).toBe('4.20');
    expect(formatMoney(420, 'XX', 'en-GB')).toBe('4.20 XX');
  });
});
