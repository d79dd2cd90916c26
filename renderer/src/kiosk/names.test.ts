import { describe, expect, it } from 'vitest';
import { fullName, initials, tierLabel } from './names';

describe('initials', () => {
  it('takes the first letters of the first and last names', () => {
    expect(initials('Ana S.')).toBe('AS');
    expect(initials('  maría  josé  garcía ')).toBe('MG');
    expect(initials('Zoë')).toBe('Z');
    expect(initials('')).toBe('?');
    expect(initials('—')).toBe('?');
  });
});

describe('tierLabel', () => {
  it('capitalises the tier', () => {
    expect(tierLabel('gold')).toBe('Gold');
    expect(tierLabel(' Silver ')).toBe('Silver');
  });
});

describe('fullName', () => {
  it('joins what is known of the name', () => {
    expect(fullName({ firstName: 'Ana', lastName: 'Silva' })).toBe('Ana Silva');
    expect(fullName({ firstName: 'Ana', lastName: null })).toBe('Ana');
    expect(fullName({ firstName: ' Ana ', lastName: ' ' })).toBe('Ana');
  });
});
