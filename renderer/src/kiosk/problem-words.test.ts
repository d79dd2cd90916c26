import { describe, expect, it } from 'vitest';
import { problemWords } from './problem-words';

describe('problemWords', () => {
  it('turns the bridge’s own failures into one plain sentence', () => {
    expect(problemWords(new Error('agent bridge: "kiosk.card" timed out after 15000 ms'))).toBe('The store agent did not answer. Please try again.');
    expect(problemWords(new Error('agent bridge disconnected before the agent answered'))).toBe('The store agent did not answer. Please try again.');
  });

  it('shows what the agent said, and something when it said nothing', () => {
    expect(problemWords(new Error('unknown product "X1"'))).toBe('Unknown product "X1"');
    expect(problemWords('no such profile')).toBe('No such profile');
    expect(problemWords(undefined)).toBe('Something went wrong. Please try again.');
  });
});
