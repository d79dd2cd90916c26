import { describe, expect, it } from 'vitest';
import { lastVisitWords } from './last-visit-words';

describe('lastVisitWords', () => {
  it.each([
    [null, 'never'],
    [0, 'today'],
    [1, 'yesterday'],
    [2, '2 days ago'],
    [42, '42 days ago'],
    [1200, '1,200 days ago'],
  ])('%s days → %s', (days, words) => {
    expect(lastVisitWords(days)).toBe(words);
  });

  it('reads a slightly ahead clock or a fraction sensibly', () => {
    expect(lastVisitWords(-1)).toBe('today');
    expect(lastVisitWords(1.9)).toBe('yesterday');
    expect(lastVisitWords(Number.NaN)).toBe('never');
  });
});
