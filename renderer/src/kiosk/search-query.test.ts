import { describe, expect, it } from 'vitest';
import { SEARCH_MAX_LENGTH, searchQuery } from './search-query';

describe('searchQuery', () => {
  it('asks from two characters, trimmed and with single spaces', () => {
    expect(searchQuery('')).toBeNull();
    expect(searchQuery(' a ')).toBeNull();
    expect(searchQuery('an')).toBe('an');
    expect(searchQuery('  ana   silva ')).toBe('ana silva');
  });

  it('never sends more than the agent takes', () => {
    expect(searchQuery('x'.repeat(100))).toHaveLength(SEARCH_MAX_LENGTH);
  });
});
