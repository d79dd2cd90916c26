import type { AgentBridge } from '../../protocol/bridge';
import { KioskScreen } from './kiosk/KioskScreen';
import type { Route } from './route';
import { SignageScreen } from './signage/SignageScreen';

export function App({ bridge, route }: { bridge: AgentBridge; route: Route }) {
  switch (route.view) {
    case 'signage':
      return <SignageScreen bridge={bridge} screenId={route.screenId} />;
    case 'kiosk':
      return <KioskScreen bridge={bridge} screenId={route.screenId} />;
  }
}
