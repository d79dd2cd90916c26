import { useEffect, useRef } from 'react';
import type { AgentBridge } from '../../../protocol/bridge';
import { StatusView } from './StatusView';

/** The status view over a signage screen, for the technician who pressed Ctrl+Shift+S. */
export function StatusOverlay({ bridge, screenId, onClose }: { bridge: AgentBridge; screenId: string; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // Keys go to the view (the pairing field focuses itself when it is there).
    if (!ref.current?.contains(document.activeElement)) ref.current?.focus();
  }, []);
  return (
    <div ref={ref} className="sv-overlay" role="dialog" aria-modal="true" aria-label="Store status" data-testid="status-overlay" tabIndex={-1}>
      <StatusView bridge={bridge} screenId={screenId} onClose={onClose} />
    </div>
  );
}
