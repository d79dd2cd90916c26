import { describe, expect, it } from 'vitest';
import { EVENT_NAMES } from '../../protocol/events';
import { trackEvent } from '../testing/test-server';
import { readProfileEvent } from './profile-event';

const viewed = (fields: Parameters<typeof trackEvent>[2]) => readProfileEvent(trackEvent('S1', EVENT_NAMES.promotionViewed, fields).event);

describe('Promotion Viewed', () => {
  it('is a greeting to remember when a known person saw a greeting', () => {
    expect(viewed({ userId: 'p1', properties: { promotion_id: 'birthday', creative: 'greeting', position: 'entrance' } })).toEqual({
      type: 'greeted',
      userId: 'p1',
      ruleId: 'birthday',
    });
  });

  it('only goes on the timeline for someone greeted anonymously (no tracking consent), or for another creative', () => {
    expect(viewed({ anonymousId: 'decision:d-1', properties: { promotion_id: 'birthday', creative: 'greeting' } })).toBeNull();
    expect(viewed({ userId: 'p1', properties: { promotion_id: 'autumn-menu', creative: 'poster' } })).toBeNull();
  });

  it('is refused with its reason when it names no promotion', () => {
    expect(viewed({ userId: 'p1', properties: { creative: 'greeting' } })).toEqual({ error: expect.stringContaining('properties.promotion_id') });
  });
});
