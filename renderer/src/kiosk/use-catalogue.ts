import type { AgentBridge } from '../../../protocol/bridge';
import type { Product } from '../../../protocol/kiosk';
import { useRefreshedRequest } from '../bridge/use-refreshed-request';
import { problemWords } from './problem-words';

export interface CatalogueState {
  /** null until the first answer. */
  products: Product[] | null;
  problem: string | null;
}

/** The menu; head office changes it now and then, and the till picks it up without a restart. */
export function useCatalogue(bridge: AgentBridge, screenId: string): CatalogueState {
  const { value, problem } = useRefreshedRequest(bridge, 'kiosk.catalogue', { screenId }, problemWords);
  return { products: value === null ? null : Array.isArray(value) ? value : [], problem };
}
