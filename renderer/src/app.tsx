import type { AgentBridge } from '../../protocol/bridge';
import type { Route } from './route';
import { SignageScreen } from './signage/SignageScreen';

export function App({ bridge, route }: { bridge: AgentBridge; route: Route }) {
  switch (route.view) {
    case 'signage':
      return <SignageScreen bridge={bridge} screenId={route.screenId} />;
  }
}
