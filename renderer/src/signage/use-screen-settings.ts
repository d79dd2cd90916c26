import type { AgentBridge, ScreenSettings } from '../../../protocol/bridge';
import { useRefreshedRequest } from '../bridge/use-refreshed-request';

export interface ScreenSettingsState {
  settings: ScreenSettings | null;
  /** Why the latest fetch failed; the screen keeps what it had and tries again. */
  problem: string | null;
}

/** The screen's settings from the agent; the playlist may change while the screen runs for weeks. */
export function useScreenSettings(bridge: AgentBridge, screenId: string): ScreenSettingsState {
  const { value, problem } = useRefreshedRequest(bridge, 'screen.settings', { screenId });
  return { settings: value, problem };
}
