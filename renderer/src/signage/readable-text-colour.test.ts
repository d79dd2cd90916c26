import { describe, expect, it } from 'vitest';
import { readableTextColour } from './readable-text-colour';

describe('readableTextColour', () => {
  it('puts light text on dark backgrounds', () => {
    expect(readableTextColour('#1b3a2f')).toBe('#ffffff');
    expect(readableTextColour('#000')).toBe('#ffffff');
    expect(readableTextColour('rgb(58, 27, 47)')).toBe('#ffffff');
  });

  it('puts dark text on light backgrounds', () => {
    expect(readableTextColour('#ffffff')).toBe('#111111');
    expect(readableTextColour('#FFD54F')).toBe('#111111');
    expect(readableTextColour('#fec')).toBe('#111111');
    expect(readableTextColour('rgba(240, 240, 220, 1)')).toBe('#111111');
  });

  it('falls back to light text when there is no colour it can read', () => {
    expect(readableTextColour(undefined)).toBe('#ffffff');
    expect(readableTextColour('rebeccapurple')).toBe('#ffffff');
    expect(readableTextColour('hsl(40 80% 90%)')).toBe('#ffffff');
  });
});
