/**
 * Hybrid logical clocks (Kulkarni et al.): physical milliseconds, a counter for writes in
 * the same millisecond (or while the physical clock lags one already seen), and the node
 * id to break exact ties. They order writes from many places deterministically while
 * staying close to wall time, which is what per-field last-writer-wins needs.
 */

export interface Hlc {
  /** Milliseconds since the epoch: max(physical time, the latest wall seen). */
  wall: number;
  counter: number;
  /** The writer (a device id, or the server's node id): the final tie-break. */
  node: string;
}

const WALL_DIGITS = 15;
// 16 digits: an event's counter is its device's outbox seq (see profiles/event-clock.ts).
const COUNTER_DIGITS = 16;

/**
 * Fixed-width encoding, so encoded clocks compare as plain strings in the same order as
 * compareHlc (that is how field clocks are stored and compared).
 */
export function encodeHlc(clock: Hlc): string {
  return `${String(clock.wall).padStart(WALL_DIGITS, '0')}:${String(clock.counter).padStart(COUNTER_DIGITS, '0')}:${clock.node}`;
}

export function decodeHlc(encoded: string): Hlc {
  const first = encoded.indexOf(':');
  const second = encoded.indexOf(':', first + 1);
  const wall = Number(encoded.slice(0, first));
  const counter = Number(encoded.slice(first + 1, second));
  if (first < 0 || second < 0 || !Number.isSafeInteger(wall) || !Number.isSafeInteger(counter)) {
    throw new Error(`"${encoded}" is not an encoded HLC`);
  }
  return { wall, counter, node: encoded.slice(second + 1) };
}

/** Negative when a is older than b, positive when newer, 0 only for the same write. */
export function compareHlc(a: Hlc, b: Hlc): number {
  if (a.wall !== b.wall) return a.wall < b.wall ? -1 : 1;
  if (a.counter !== b.counter) return a.counter < b.counter ? -1 : 1;
  if (a.node === b.node) return 0;
  return a.node < b.node ? -1 : 1;
}

/** One node's clock. `now` stamps a local write; `observe` moves past a clock seen elsewhere. */
export class HybridLogicalClock {
  private wall = 0;
  private counter = 0;

  constructor(
    readonly node: string,
    private readonly physical: () => number = Date.now,
  ) {}

  /** A clock for a local write: later than every clock this node issued or observed. */
  now(): Hlc {
    const physical = this.physical();
    if (physical > this.wall) {
      this.wall = physical;
      this.counter = 0;
    } else {
      this.counter += 1;
    }
    return { wall: this.wall, counter: this.counter, node: this.node };
  }

  /** Receives a remote clock, so this node's next write orders after it. */
  observe(remote: Hlc): void {
    const physical = this.physical();
    const wall = Math.max(this.wall, remote.wall, physical);
    if (wall === this.wall && wall === remote.wall) this.counter = Math.max(this.counter, remote.counter) + 1;
    else if (wall === this.wall) this.counter += 1;
    else if (wall === remote.wall) this.counter = remote.counter + 1;
    else this.counter = 0;
    this.wall = wall;
  }
}
