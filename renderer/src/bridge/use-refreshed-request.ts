import { useEffect, useState } from 'react';
import type { AgentBridge, AgentRequestArgs, AgentRequestName, AgentRequestResult } from '../../../protocol/bridge';
import { backoffDelay } from './backoff';

/** Head office changes playlists and menus while a screen runs for weeks: data like that is fetched again this often. */
const REFRESH_MS = 5 * 60_000;

export interface RefreshedState<T> {
  /** null until the first answer. */
  value: T | null;
  /** Why the latest request failed; the screen keeps what it had and tries again. */
  problem: string | null;
}

/**
 * One request's answer, retried with backoff until it comes (the agent may still be
 * starting) and refreshed after. The value only changes identity when its content does,
 * so a refresh that changed nothing restarts nothing downstream.
 */
export function useRefreshedRequest<K extends AgentRequestName>(
  bridge: AgentBridge,
  name: K,
  args: AgentRequestArgs<K>,
  describeProblem: (error: unknown) => string = (error) => (error instanceof Error ? error.message : String(error)),
): RefreshedState<AgentRequestResult<K>> {
  const [state, setState] = useState<RefreshedState<AgentRequestResult<K>>>({ value: null, problem: null });
  const argsKey = JSON.stringify(args);

  useEffect(() => {
    let stopped = false;
    let failures = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const load = async (): Promise<void> => {
      try {
        const value = await bridge.request(name, JSON.parse(argsKey) as AgentRequestArgs<K>);
        if (stopped) return;
        failures = 0;
        setState((previous) => {
          const same = previous.value !== null && JSON.stringify(previous.value) === JSON.stringify(value);
          if (same && previous.problem === null) return previous;
          return { value: same ? previous.value : value, problem: null };
        });
        timer = setTimeout(() => void load(), REFRESH_MS);
      } catch (error) {
        if (stopped) return;
        const problem = describeProblem(error);
        setState((previous) => (previous.problem === problem ? previous : { value: previous.value, problem }));
        timer = setTimeout(() => void load(), backoffDelay(failures++, { initialMs: 1000, maxMs: 30_000 }));
      }
    };

    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
    // describeProblem is a formatting choice, not an input: changing it needs no new request.
  }, [bridge, name, argsKey]);

  return state;
}
