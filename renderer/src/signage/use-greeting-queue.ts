import { useEffect, useRef, useState } from 'react';
import type { AgentBridge, Greeting } from '../../../protocol/bridge';
import { advanceGreetings, EMPTY_GREETING_QUEUE, msUntilGreetingEnds, offerGreeting } from './greeting-queue';
import { isGreeting } from './is-greeting';

/**
 * The greeting this screen should show now, if any. Greetings for the screen are queued
 * as the agent sends them and each goes up for `durationMs`; the agent hears when one is
 * actually on screen, which is what it records, not when it was decided.
 */
export function useGreetingQueue(bridge: AgentBridge, screenId: string, durationMs: number): Greeting | null {
  // A ref, not state: the queue changes from event and timer callbacks, and reporting a
  // greeting as shown must happen exactly once, outside any render React may repeat.
  const queueRef = useRef(EMPTY_GREETING_QUEUE);
  const [current, setCurrent] = useState<Greeting | null>(null);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;

    const step = (): void => {
      clearTimeout(timer);
      const now = performance.now();
      const { queue, started } = advanceGreetings(queueRef.current, now, durationMs);
      queueRef.current = queue;
      if (started) {
        bridge.request('greeting.shown', { screenId, decisionId: started.decisionId }).catch((error: unknown) => {
          console.error('could not report a greeting as shown', error);
        });
      }
      setCurrent(queue.current?.greeting ?? null);
      const wait = msUntilGreetingEnds(queue, now, durationMs);
      if (wait !== null) timer = setTimeout(step, wait);
    };

    const unsubscribe = bridge.on('greeting', (payload) => {
      if (!isGreeting(payload)) return;
      queueRef.current = offerGreeting(queueRef.current, payload, screenId);
      step();
    });
    step();

    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [bridge, screenId, durationMs]);

  return current;
}
