import { describe, expect, it } from 'vitest';
import { maskEmail, maskPhone } from './masking';

describe('maskEmail', () => {
  it('keeps the first and last letter of the local part, the host initial and the top-level domain', () => {
    expect(maskEmail('maya.okafor@example.com')).toBe('m•••r@e•••.com');
    expect(maskEmail('abc@mail.co.uk')).toBe('a•••c@m•••.uk');
  });

  it('shows only the first letter of a one- or two-letter local part', () => {
    expect(maskEmail('a@example.com')).toBe('a•@e•••.com');
    expect(maskEmail('ab@example.com')).toBe('a•@e•••.com');
  });

  it('copes with a domain without a dot', () => {
    expect(maskEmail('maya@localhost')).toBe('m•••a@l•••');
    expect(maskEmail('maya@')).toBe('m•••a@•••');
  });

  it('gives nothing away for something that is not an e-mail', () => {
    expect(maskEmail('not an email')).toBe('•••');
    expect(maskEmail('')).toBe('•••');
    expect(maskEmail('@example.com')).toBe('•••');
  });

  it('uses the last @ as the separator', () => {
    expect(maskEmail('"odd@local"@example.com')).toBe('"•••"@e•••.com');
  });

  it('never contains the address, nor its local part or host when they are longer than a letter', () => {
    for (const email of ['maya.okafor@example.com', 'jo@shop.example.org', 'x@y.z', 'customer+tag@gmail.com']) {
      const masked = maskEmail(email);
      const [local, domain] = email.split('@') as [string, string];
      const host = domain.split('.')[0]!;
      expect(masked).not.toContain(email);
      expect(masked).not.toContain(domain);
      if (local.length > 1) expect(masked).not.toContain(local);
      if (host.length > 1) expect(masked).not.toContain(host);
      expect(masked).toContain('•');
    }
  });
});

describe('maskPhone', () => {
  it('keeps only the last four digits, whatever the formatting', () => {
    expect(maskPhone('+447700900123')).toBe('••• 0123');
    expect(maskPhone('+44 (0)20 7946 0456')).toBe('••• 0456');
    expect(maskPhone('(020) 7946-0789')).toBe('••• 0789');
    expect(maskPhone('07700 900 999')).toBe('••• 0999');
  });

  it('hides short numbers entirely', () => {
    expect(maskPhone('123')).toBe('•••');
    expect(maskPhone('+1 2')).toBe('•••');
    expect(maskPhone('')).toBe('•••');
    expect(maskPhone('no digits')).toBe('•••');
  });

  it('never contains more than the last four digits', () => {
    for (const phone of ['+447700900123', '+44 7700 900123', '(212) 555-0199', '0033 1 23 45 67 89']) {
      const masked = maskPhone(phone);
      const digits = phone.replace(/\D/g, '');
      expect(masked.replace(/\D/g, '')).toBe(digits.slice(-4));
      expect(masked).not.toContain(phone);
    }
  });
});
