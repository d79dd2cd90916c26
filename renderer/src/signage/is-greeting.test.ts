import { describe, expect, it } from 'vitest';
import { isGreeting } from './is-greeting';

describe('isGreeting', () => {
  it('accepts a greeting', () => {
    expect(
      isGreeting({ decisionId: 'd1', screenId: 'entrance', ruleId: 'r', firstName: 'Ana', text: 'Hi Ana', decidedAt: '2026-01-01T00:00:00Z' }),
    ).toBe(true);
  });

  it.each([null, 'Hi', {}, { decisionId: '', screenId: 'entrance', text: 'Hi' }, { decisionId: 'd1', screenId: 'entrance' }, { decisionId: 7, screenId: 'e', text: 'Hi' }])(
    'rejects %j',
    (payload) => {
      expect(isGreeting(payload)).toBe(false);
    },
  );
});
