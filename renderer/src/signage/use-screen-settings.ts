import { useEffect, useState } from 'react';
import type { AgentBridge, ScreenSettings } from '../../../protocol/bridge';
import { backoffDelay } from '../bridge/backoff';

/** Head office may change the playlist while the screen runs for weeks; it is fetched again this often. */
const REFRESH_MS = 5 * 60_000;

export interface ScreenSettingsState {
  settings: ScreenSettings | null;
  /** Why the latest fetch failed; the screen keeps what it had and tries again. */
  problem: string | null;
}

/**
 * The screen's settings from the agent, retried until they come and refreshed after. The
 * object only changes when the settings do, so the content loop and the scanner are not
 * restarted by a refresh that changed nothing.
 */
export function useScreenSettings(bridge: AgentBridge, screenId: string): ScreenSettingsState {
  const [state, setState] = useState<ScreenSettingsState>({ settings: null, problem: null });

  useEffect(() => {
    let stopped = false;
    let failures = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const load = async (): Promise<void> => {
      try {
        const settings = await bridge.request('screen.settings', { screenId });
        if (stopped) return;
        failures = 0;
        setState((previous) => {
          const same = previous.settings !== null && JSON.stringify(previous.settings) === JSON.stringify(settings);
          if (same && previous.problem === null) return previous;
          return { settings: same ? previous.settings : settings, problem: null };
        });
        timer = setTimeout(() => void load(), REFRESH_MS);
      } catch (error) {
        if (stopped) return;
        const problem = error instanceof Error ? error.message : String(error);
        setState((previous) => (previous.problem === problem ? previous : { settings: previous.settings, problem }));
        timer = setTimeout(() => void load(), backoffDelay(failures++, { initialMs: 1000, maxMs: 30_000 }));
      }
    };

    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [bridge, screenId]);

  return state;
}
