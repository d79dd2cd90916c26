import type { AgentBridge } from '../../protocol/bridge';
import { KioskScreen } from './kiosk/KioskScreen';
import type { Route } from './route';
import { SignageScreen } from './signage/SignageScreen';
import { StatusScreen } from './status/StatusScreen';

export function App({ bridge, route }: { bridge: AgentBridge; route: Route }) {
  switch (route.view) {
    case 'signage':
      return <SignageScreen bridge={bridge} screenId={route.screenId} />;
    case 'kiosk':
      return <KioskScreen bridge={bridge} screenId={route.screenId} />;
    case 'status':
      return <StatusScreen bridge={bridge} screenId={route.screenId} />;
  }
}
