import type { WedgeSettings } from '../../../protocol/bridge';

export interface WedgeKeyEvent {
  /** KeyboardEvent.key. */
  key: string;
  /** When it was pressed, in ms on any clock that only moves forward. */
  at: number;
}

export interface WedgeScan {
  /** The scanned code, prefix stripped. */
  code: string;
  /** The scan's first characters, which reached the page before the burst was recognised. */
  leaked: string;
}

export interface WedgeOutcome {
  scan: WedgeScan | null;
  /** Characters held back as scanner input that turned out to be a person's: they belong to the page after all. */
  released: string;
}

export interface WedgeKeyResult extends WedgeOutcome {
  /** Keep this key from the page: it belongs to a scanner-speed burst. */
  consume: boolean;
}

interface BurstKey {
  char: string;
  at: number;
  consumed: boolean;
}

const END_KEYS = new Set(['Enter', 'Tab']);
/** Scanners press Shift for capitals; modifiers carry no character and must not break a burst. */
const MODIFIER_KEYS = new Set(['Shift', 'Control', 'Alt', 'AltGraph', 'Meta', 'CapsLock', 'NumLock', 'Fn']);
/**
 * Keys at scanner speed before the rest of a burst is held back from the page. Two or
 * three quick keys happen when a fast typist rolls over; a run of four averaging scanner
 * speed does not, so a person's typing is not swallowed.
 */
const RECOGNISE_AFTER = 4;
/** Far longer than any barcode; a stuck or flooding device must not grow a burst without end. */
const MAX_BURST = 1024;
const NOTHING: WedgeOutcome = { scan: null, released: '' };

const isCharacter = (key: string): boolean => [...key].length === 1;

/**
 * Tells a keyboard-wedge scanner's burst from a person typing, from key timing alone.
 *
 * A burst is the run of character keys with less than `silenceMs` between them. It is a
 * scan when, ended by Enter, Tab or silence, its keys came at an average gap of at most
 * `maxAverageGapMs` and it holds at least `minLength` characters after the prefix is
 * stripped. Keys a person typed slowly just before a scan are not part of it: the scan is
 * the longest fast tail of the burst, starting after a gap slower than scanner speed.
 *
 * Pure (no DOM, no timers): the caller feeds key events and calls `flush` on a timer.
 */
export class KeyboardWedgeDetector {
  private burst: BurstKey[] = [];

  constructor(private readonly settings: WedgeSettings) {}

  push(event: WedgeKeyEvent): WedgeKeyResult {
    if (MODIFIER_KEYS.has(event.key)) return { consume: false, ...NOTHING };

    const last = this.burst.at(-1);
    const before = last && event.at - last.at >= this.settings.silenceMs ? this.finish() : NOTHING;

    if (END_KEYS.has(event.key)) {
      if (this.burst.length === 0) return { consume: false, ...before };
      const ended = merge(before, this.finish());
      // The end key of a scan would submit a form or move focus; a person's stays theirs.
      return { consume: ended.scan !== null, ...ended };
    }

    if (!isCharacter(event.key)) return { consume: false, ...merge(before, this.finish()) };

    const overflow = this.burst.length >= MAX_BURST ? this.finish() : NOTHING;
    this.burst.push({ char: event.key, at: event.at, consumed: false });
    const key = this.burst.at(-1) as BurstKey;
    key.consumed = this.burst.length - this.fastStart() >= Math.min(RECOGNISE_AFTER, this.settings.minLength);
    return { consume: key.consumed, ...merge(before, overflow) };
  }

  /** Ends a burst that has been silent for `silenceMs` by `now`: for scanners that send no end key. */
  flush(now: number): WedgeOutcome {
    const last = this.burst.at(-1);
    return last && now - last.at >= this.settings.silenceMs ? this.finish() : NOTHING;
  }

  /** Ends the current burst at once, e.g. when a shortcut or focus change interrupts it. */
  interrupt(): WedgeOutcome {
    return this.finish();
  }

  /** How long until `flush` would end the current burst; null when there is none. */
  msUntilSilence(now: number): number | null {
    const last = this.burst.at(-1);
    return last ? Math.max(0, last.at + this.settings.silenceMs - now) : null;
  }

  /**
   * Index where the burst's fast tail starts: the earliest key after a slower-than-scanner
   * gap from which the keys average scanner speed. A key followed by a gap of more than
   * twice that speed is a person's, even if a long scan after it would pull the average
   * down: scanners jitter, but not that much.
   */
  private fastStart(): number {
    const keys = this.burst;
    const maxGap = this.settings.maxAverageGapMs;
    const lastAt = (keys.at(-1) as BurstKey).at;
    for (let start = 0; start < keys.length - 1; start++) {
      const key = keys[start] as BurstKey;
      const previous = keys[start - 1];
      const next = keys[start + 1] as BurstKey;
      if (previous && key.at - previous.at <= maxGap) continue;
      if (next.at - key.at > 2 * maxGap) continue;
      if ((lastAt - key.at) / (keys.length - 1 - start) <= maxGap) return start;
    }
    return keys.length - 1;
  }

  private finish(): WedgeOutcome {
    if (this.burst.length === 0) return NOTHING;
    const start = this.fastStart();
    const keys = this.burst;
    this.burst = [];

    const tail = keys.slice(start);
    const raw = tail.map((k) => k.char).join('');
    const { prefix, minLength } = this.settings;
    const code = prefix && raw.startsWith(prefix) ? raw.slice(prefix.length) : raw;
    // One key has no speed to judge, whatever minLength says.
    const isScan = tail.length >= 2 && code.length >= Math.max(1, minLength);
    if (!isScan) return { scan: null, released: chars(keys.filter((k) => k.consumed)) };
    return {
      scan: { code, leaked: chars(tail.filter((k) => !k.consumed)) },
      released: chars(keys.slice(0, start).filter((k) => k.consumed)),
    };
  }
}

const chars = (keys: BurstKey[]): string => keys.map((k) => k.char).join('');

function merge(first: WedgeOutcome, second: WedgeOutcome): WedgeOutcome {
  if (first === NOTHING) return second;
  if (second === NOTHING) return first;
  return { scan: second.scan ?? first.scan, released: first.released + second.released };
}
