import type { AgentBridge } from '../../../protocol/bridge';
import { StatusView } from './StatusView';

/** `?view=status&screen=<id>`: the status view as a page of its own, e.g. in a technician's browser. */
export function StatusScreen({ bridge, screenId }: { bridge: AgentBridge; screenId: string }) {
  return (
    <main className="sv-page" data-screen-id={screenId}>
      <StatusView bridge={bridge} screenId={screenId} />
    </main>
  );
}
