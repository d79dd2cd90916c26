import { describe, expect, it } from 'vitest';
import type { WedgeSettings } from '../../../protocol/bridge';
import { KeyboardWedgeDetector, type WedgeKeyResult, type WedgeOutcome } from './keyboard-wedge';

const settings: WedgeSettings = { minLength: 6, maxAverageGapMs: 35, silenceMs: 80, prefix: '' };

/** Presses each key of `keys` `gapMs` apart from `startAt`; returns every result and when the last key fell. */
function press(detector: KeyboardWedgeDetector, keys: string[], startAt: number, gapMs: number) {
  const results: WedgeKeyResult[] = keys.map((key, i) => detector.push({ key, at: startAt + i * gapMs }));
  return { results, lastAt: startAt + (keys.length - 1) * gapMs };
}
const chars = (text: string): string[] => [...text];
const scans = (outcomes: WedgeOutcome[]): string[] => outcomes.flatMap((o) => (o.scan ? [o.scan.code] : []));

describe('KeyboardWedgeDetector', () => {
  it('recognises a scanner-speed burst ended by Enter', () => {
    const detector = new KeyboardWedgeDetector(settings);
    const { results } = press(detector, [...chars('4006381333931'), 'Enter'], 1000, 10);
    const end = results.at(-1);
    expect(end?.scan).toEqual({ code: '4006381333931', leaked: '400' });
    expect(end?.consume).toBe(true);
    expect(scans(results.slice(0, -1))).toEqual([]);
  });

  it('holds back the keys of a burst once it is recognised as scanner speed', () => {
    const detector = new KeyboardWedgeDetector(settings);
    const { results } = press(detector, [...chars('ABC-123/9'), 'Enter'], 0, 10);
    expect(results.map((r) => r.consume)).toEqual([false, false, false, true, true, true, true, true, true, true]);
    expect(results.at(-1)?.scan?.code).toBe('ABC-123/9');
  });

  it('recognises a burst ended by Tab', () => {
    const detector = new KeyboardWedgeDetector(settings);
    const { results } = press(detector, [...chars('CARD-0042'), 'Tab'], 50, 12);
    expect(results.at(-1)?.scan?.code).toBe('CARD-0042');
    expect(results.at(-1)?.consume).toBe(true);
  });

  it('recognises a burst with no end key once it has been silent for silenceMs', () => {
    const detector = new KeyboardWedgeDetector(settings);
    const { results, lastAt } = press(detector, chars('98765432'), 0, 10);
    expect(scans(results)).toEqual([]);
    expect(detector.msUntilSilence(lastAt + 30)).toBe(50);
    expect(detector.flush(lastAt + 79).scan).toBeNull();
    expect(detector.flush(lastAt + 80).scan?.code).toBe('98765432');
    expect(detector.msUntilSilence(lastAt + 80)).toBeNull();
    expect(detector.flush(lastAt + 200).scan).toBeNull();
  });

  it('ends a silent burst when the next key arrives before the timer has flushed it', () => {
    const detector = new KeyboardWedgeDetector(settings);
    const { lastAt } = press(detector, chars('11223344'), 0, 10);
    const next = detector.push({ key: 'x', at: lastAt + 500 });
    expect(next.scan?.code).toBe('11223344');
    expect(next.consume).toBe(false);
  });

  it('strips the configured prefix', () => {
    const detector = new KeyboardWedgeDetector({ ...settings, prefix: ']C1' });
    const { results } = press(detector, [...chars(']C1LOYAL-778899'), 'Enter'], 0, 8);
    expect(results.at(-1)?.scan?.code).toBe('LOYAL-778899');
  });

  it('counts minLength after the prefix is stripped', () => {
    const detector = new KeyboardWedgeDetector({ ...settings, prefix: '~' });
    const { results } = press(detector, [...chars('~12345'), 'Enter'], 0, 8);
    expect(results.at(-1)?.scan).toBeNull();
  });

  it('takes a code without the prefix as it is', () => {
    const detector = new KeyboardWedgeDetector({ ...settings, prefix: '~' });
    const { results } = press(detector, [...chars('123456'), 'Enter'], 0, 8);
    expect(results.at(-1)?.scan?.code).toBe('123456');
  });

  it('keeps capitals whose Shift presses come between the characters', () => {
    const detector = new KeyboardWedgeDetector(settings);
    const keys = ['Shift', 'A', 'Shift', 'B', '1', '2', '3', 'Shift', 'Z', 'Enter'];
    const { results } = press(detector, keys, 0, 5);
    expect(results.at(-1)?.scan?.code).toBe('AB123Z');
  });

  it('tolerates a scanner hiccup when the average stays at scanner speed', () => {
    const detector = new KeyboardWedgeDetector(settings);
    const times = [0, 10, 20, 30, 90, 100, 110, 120, 130, 140, 150];
    const results = [...chars('ABCDEFGHIJ'), 'Enter'].map((key, i) => detector.push({ key, at: times[i] ?? 0 }));
    expect(results.at(-1)?.scan?.code).toBe('ABCDEFGHIJ');
  });

  it('does not take a person typing at 150 ms a key for a scan', () => {
    const detector = new KeyboardWedgeDetector(settings);
    const { results, lastAt } = press(detector, [...chars('hello world 123'), 'Enter'], 0, 150);
    expect(results.every((r) => !r.consume && r.scan === null && r.released === '')).toBe(true);
    expect(detector.flush(lastAt + 1000)).toEqual({ scan: null, released: '' });
  });

  it('does not take slow typing for a scan even when silenceMs is long', () => {
    const detector = new KeyboardWedgeDetector({ ...settings, silenceMs: 1000 });
    const { results } = press(detector, [...chars('12345678'), 'Enter'], 0, 150);
    expect(results.every((r) => !r.consume && r.scan === null)).toBe(true);
  });

  it('does not take a fast burst shorter than minLength for a scan, and gives back what it held', () => {
    const detector = new KeyboardWedgeDetector(settings);
    const { results } = press(detector, [...chars('12345'), 'Enter'], 0, 10);
    expect(results.map((r) => r.consume)).toEqual([false, false, false, true, true, false]);
    expect(results.at(-1)).toEqual({ consume: false, scan: null, released: '45' });
  });

  it('finds a scan that arrives after a person has typed slowly', () => {
    const detector = new KeyboardWedgeDetector(settings);
    const typed = press(detector, chars('abc'), 0, 150);
    const { results } = press(detector, [...chars('CARD123456'), 'Enter'], typed.lastAt + 150, 10);
    expect([...typed.results, ...results].filter((r) => r.scan).map((r) => r.scan?.code)).toEqual(['CARD123456']);
    expect(typed.results.every((r) => !r.consume)).toBe(true);
  });

  it('leaves slowly typed keys out of a scan that follows them within one burst', () => {
    const detector = new KeyboardWedgeDetector({ ...settings, silenceMs: 500 });
    const typed = press(detector, chars('ab'), 0, 150);
    const { results } = press(detector, [...chars('CARD123456'), 'Enter'], typed.lastAt + 150, 10);
    expect(results.at(-1)?.scan).toEqual({ code: 'CARD123456', leaked: 'CAR' });
  });

  it('lets a key without a character, like Backspace, end the burst', () => {
    const detector = new KeyboardWedgeDetector(settings);
    const { lastAt } = press(detector, chars('abc'), 0, 10);
    const backspace = detector.push({ key: 'Backspace', at: lastAt + 10 });
    expect(backspace).toEqual({ consume: false, scan: null, released: '' });
    const { results } = press(detector, [...chars('def'), 'Enter'], lastAt + 20, 10);
    expect(results.at(-1)?.scan).toBeNull();
  });

  it('leaves an end key with nothing before it to the page', () => {
    const detector = new KeyboardWedgeDetector(settings);
    expect(detector.push({ key: 'Enter', at: 0 })).toEqual({ consume: false, scan: null, released: '' });
    expect(detector.push({ key: 'Tab', at: 5 })).toEqual({ consume: false, scan: null, released: '' });
  });

  it('reads two scans in a row', () => {
    const detector = new KeyboardWedgeDetector(settings);
    const first = press(detector, [...chars('AAAAAA1'), 'Enter'], 0, 10);
    const second = press(detector, [...chars('BBBBBB2'), 'Enter'], first.lastAt + 10, 10);
    expect(scans([...first.results, ...second.results])).toEqual(['AAAAAA1', 'BBBBBB2']);
  });

  it('ends the burst on interrupt', () => {
    const detector = new KeyboardWedgeDetector(settings);
    press(detector, chars('QWERTY12'), 0, 10);
    expect(detector.interrupt().scan?.code).toBe('QWERTY12');
    expect(detector.msUntilSilence(100)).toBeNull();
  });
});
