import { describe, expect, it } from 'vitest';
import type { Greeting } from '../../../protocol/bridge';
import { advanceGreetings, EMPTY_GREETING_QUEUE, MAX_WAITING, msUntilGreetingEnds, offerGreeting, type GreetingQueue } from './greeting-queue';

const greeting = (decisionId: string, firstName: string, screenId = 'entrance'): Greeting => ({
  decisionId,
  screenId,
  ruleId: 'welcome',
  firstName,
  text: `Welcome back, ${firstName}!`,
  decidedAt: '2026-01-01T09:00:00Z',
});

const DURATION = 8000;

describe('greeting queue', () => {
  it('puts a greeting up at once and takes it down after its duration', () => {
    const queue = offerGreeting(EMPTY_GREETING_QUEUE, greeting('d1', 'Ana'), 'entrance');
    const shown = advanceGreetings(queue, 1000, DURATION);
    expect(shown.started?.firstName).toBe('Ana');
    expect(shown.queue.current).toMatchObject({ shownAt: 1000 });
    expect(msUntilGreetingEnds(shown.queue, 3000, DURATION)).toBe(6000);

    const still = advanceGreetings(shown.queue, 8999, DURATION);
    expect(still).toEqual({ queue: shown.queue, started: null });

    const done = advanceGreetings(shown.queue, 9000, DURATION);
    expect(done.queue.current).toBeNull();
    expect(done.started).toBeNull();
    expect(msUntilGreetingEnds(done.queue, 9000, DURATION)).toBeNull();
  });

  it('shows several people at one screen each in turn, in the order they came', () => {
    let queue: GreetingQueue = EMPTY_GREETING_QUEUE;
    for (const [id, name] of [['d1', 'Ana'], ['d2', 'Ben'], ['d3', 'Chloé']] as const) {
      queue = offerGreeting(queue, greeting(id, name), 'entrance');
    }
    const started: string[] = [];
    let now = 0;
    for (let step = 0; step < 4; step++) {
      const next = advanceGreetings(queue, now, DURATION);
      if (next.started) started.push(next.started.firstName);
      queue = next.queue;
      now += DURATION;
    }
    expect(started).toEqual(['Ana', 'Ben', 'Chloé']);
    expect(queue.current).toBeNull();
  });

  it('lets a greeting that arrives mid-greeting wait its turn', () => {
    let queue = advanceGreetings(offerGreeting(EMPTY_GREETING_QUEUE, greeting('d1', 'Ana'), 'entrance'), 0, DURATION).queue;
    queue = offerGreeting(queue, greeting('d2', 'Ben'), 'entrance');
    const meanwhile = advanceGreetings(queue, 4000, DURATION);
    expect(meanwhile.started).toBeNull();
    expect(meanwhile.queue.current?.greeting.firstName).toBe('Ana');
    const next = advanceGreetings(meanwhile.queue, 8000, DURATION);
    expect(next.started?.firstName).toBe('Ben');
    expect(next.queue.current?.shownAt).toBe(8000);
  });

  it('keeps only greetings for its own screen', () => {
    const queue = offerGreeting(EMPTY_GREETING_QUEUE, greeting('d1', 'Ana', 'counter'), 'entrance');
    expect(queue).toBe(EMPTY_GREETING_QUEUE);
    expect(advanceGreetings(queue, 0, DURATION).started).toBeNull();
  });

  it('ignores a decision id already queued', () => {
    let queue = offerGreeting(EMPTY_GREETING_QUEUE, greeting('d1', 'Ana'), 'entrance');
    queue = offerGreeting(queue, greeting('d1', 'Ana'), 'entrance');
    expect(queue.waiting).toHaveLength(1);
  });

  it('ignores a decision id already shown, even after it has gone', () => {
    let queue = offerGreeting(EMPTY_GREETING_QUEUE, greeting('d1', 'Ana'), 'entrance');
    queue = advanceGreetings(queue, 0, DURATION).queue;
    queue = advanceGreetings(queue, DURATION, DURATION).queue;
    const again = offerGreeting(queue, greeting('d1', 'Ana'), 'entrance');
    expect(again).toBe(queue);
    expect(advanceGreetings(again, DURATION * 2, DURATION).started).toBeNull();
  });

  it('drops the longest-waiting greetings when too many pile up', () => {
    let queue: GreetingQueue = EMPTY_GREETING_QUEUE;
    for (let i = 0; i < MAX_WAITING + 3; i++) queue = offerGreeting(queue, greeting(`d${i}`, `P${i}`), 'entrance');
    expect(queue.waiting).toHaveLength(MAX_WAITING);
    expect(queue.waiting[0]?.decisionId).toBe('d3');
  });

  it('leaves an empty queue as it is', () => {
    expect(advanceGreetings(EMPTY_GREETING_QUEUE, 0, DURATION)).toEqual({ queue: EMPTY_GREETING_QUEUE, started: null });
  });
});
