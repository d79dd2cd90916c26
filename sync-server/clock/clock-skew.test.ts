import { describe, expect, it } from 'vitest';
import { correctTimestamp } from './clock-skew';

const received = new Date('2030-01-01T12:00:00.000Z');

describe('clock-skew correction', () => {
  it('keeps the device-measured delay and anchors it to the receive time', () => {
    // The device clock is 2 h fast; the event happened 45 s before it was sent.
    const corrected = correctTimestamp('2030-01-01T13:59:15.000Z', '2030-01-01T14:00:00.000Z', received);
    expect(corrected.toISOString()).toBe('2030-01-01T11:59:15.000Z');
  });

  it('handles offsets other than Z', () => {
    const corrected = correctTimestamp('2030-01-01T12:59:00.000+01:00', '2030-01-01T13:00:00.000+01:00', received);
    expect(corrected.toISOString()).toBe('2030-01-01T11:59:00.000Z');
  });

  it('uses the original timestamp without sentAt, but never later than the receive time', () => {
    expect(correctTimestamp('2030-01-01T11:00:00.000Z', null, received).toISOString()).toBe('2030-01-01T11:00:00.000Z');
    expect(correctTimestamp('2030-01-01T15:00:00.000Z', null, received).toISOString()).toBe(received.toISOString());
  });

  it('treats a sentAt before the event (a clock stepped back in between) as no delay', () => {
    expect(correctTimestamp('2030-01-01T12:00:10.000Z', '2030-01-01T12:00:00.000Z', received).toISOString()).toBe(received.toISOString());
  });
});
