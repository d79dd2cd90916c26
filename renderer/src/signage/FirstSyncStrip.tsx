import { useState } from 'react';
import type { AgentBridge } from '../../../protocol/bridge';
import { readStatusReport } from '../status/status-report';
import { useStatusPoll } from '../status/use-status-poll';
import { FIRST_SYNC_POLL_MS, firstSyncFraction, firstSyncMayCome, firstSyncUnderway, firstSyncWords, largestRemaining } from './first-sync';

/**
 * A discreet strip along the bottom while a new store downloads everything from head office
 * for the first time, over the content loop, so the screen is never blank or looks broken.
 * It asks the agent only while a first sync may still come, and goes once one has finished.
 */
export function FirstSyncStrip({ bridge }: { bridge: AgentBridge }) {
  const [needed, setNeeded] = useState(true);
  const [largest, setLargest] = useState(0);
  const { status } = useStatusPoll(bridge, readStatusReport, { intervalMs: FIRST_SYNC_POLL_MS, enabled: needed });
  const sync = status?.sync ?? null;

  // Adjusted while rendering (React's pattern for state that follows what was read).
  if (needed && sync !== null && !firstSyncMayCome(sync)) setNeeded(false);
  const nextLargest = largestRemaining(largest, sync?.remaining ?? null);
  if (nextLargest !== largest) setLargest(nextLargest);

  if (sync === null || !firstSyncUnderway(sync)) return null;
  const remaining = sync.remaining ?? 0;
  const fraction = firstSyncFraction(remaining, nextLargest);
  return (
    <div className="first-sync" data-testid="first-sync" data-remaining={remaining} role="status">
      <p className="first-sync-text">{firstSyncWords(remaining)}</p>
      <div
        className="first-sync-bar"
        role="progressbar"
        aria-label="First download from head office"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(fraction * 100)}
      >
        <div className="first-sync-fill" style={{ transform: `scaleX(${fraction})` }} />
      </div>
    </div>
  );
}
