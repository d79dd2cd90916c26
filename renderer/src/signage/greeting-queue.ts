import type { Greeting } from '../../../protocol/bridge';

/**
 * The greetings waiting for one screen, and the one on it. Immutable: every change gives
 * a new state. Times are ms on one monotonic clock (performance.now()).
 */
export interface GreetingQueue {
  readonly current: { readonly greeting: Greeting; readonly shownAt: number } | null;
  readonly waiting: readonly Greeting[];
  /** Decision ids already queued or shown, newest last, so that a repeated event is not shown twice. */
  readonly seen: readonly string[];
}

/** A person still waiting behind this many others has walked on; their greeting is dropped, oldest first. */
export const MAX_WAITING = 10;
/** Enough to catch a re-sent event; bounded because a screen runs for weeks. */
const SEEN_LIMIT = 500;

export const EMPTY_GREETING_QUEUE: GreetingQueue = { current: null, waiting: [], seen: [] };

/** Queues a greeting for this screen; one for another screen, or already queued or shown, changes nothing. */
export function offerGreeting(queue: GreetingQueue, greeting: Greeting, screenId: string): GreetingQueue {
  if (greeting.screenId !== screenId || queue.seen.includes(greeting.decisionId)) return queue;
  return {
    current: queue.current,
    waiting: [...queue.waiting, greeting].slice(-MAX_WAITING),
    seen: [...queue.seen, greeting.decisionId].slice(-SEEN_LIMIT),
  };
}

/**
 * Takes the greeting on screen down once it has had `durationMs`, and puts the next one
 * up. `started` is the greeting that has just gone on screen, if any: the caller reports
 * it as shown.
 */
export function advanceGreetings(
  queue: GreetingQueue,
  now: number,
  durationMs: number,
): { queue: GreetingQueue; started: Greeting | null } {
  let current = queue.current;
  if (current && now - current.shownAt >= durationMs) current = null;
  if (current) return { queue: current === queue.current ? queue : { ...queue, current }, started: null };
  const [next, ...rest] = queue.waiting;
  if (!next) return { queue: queue.current ? { ...queue, current: null } : queue, started: null };
  return { queue: { current: { greeting: next, shownAt: now }, waiting: rest, seen: queue.seen }, started: next };
}

/** How long the greeting on screen has left; null when there is none. */
export function msUntilGreetingEnds(queue: GreetingQueue, now: number, durationMs: number): number | null {
  return queue.current ? Math.max(0, queue.current.shownAt + durationMs - now) : null;
}
