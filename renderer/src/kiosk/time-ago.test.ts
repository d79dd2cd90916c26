import { describe, expect, it } from 'vitest';
import { timeAgo } from './time-ago';

const now = Date.parse('2026-03-10T12:00:00Z');

describe('timeAgo', () => {
  it.each([
    ['2026-03-10T12:00:00Z', 'just now'],
    ['2026-03-10T11:59:05Z', 'just now'],
    ['2026-03-10T11:59:00Z', '1 min ago'],
    ['2026-03-10T11:15:30Z', '44 min ago'],
    ['2026-03-10T10:00:00Z', '2 h ago'],
    ['2026-03-09T11:00:00Z', 'yesterday'],
    ['2026-03-01T12:00:00Z', '9 days ago'],
  ])('%s → %s', (since, words) => {
    expect(timeAgo(since, now)).toBe(words);
  });

  it('takes a time a little in the future as just now, and an unreadable one as nothing', () => {
    expect(timeAgo('2026-03-10T12:00:20Z', now)).toBe('just now');
    expect(timeAgo('yesterday-ish', now)).toBe('');
  });
});
