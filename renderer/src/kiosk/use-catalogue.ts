import { useEffect, useState } from 'react';
import type { AgentBridge } from '../../../protocol/bridge';
import type { Product } from '../../../protocol/kiosk';
import { backoffDelay } from '../bridge/backoff';
import { problemWords } from './problem-words';

/** Head office changes the menu now and then; the till picks it up without a restart. */
const REFRESH_MS = 5 * 60_000;

export interface CatalogueState {
  /** null until the first answer. */
  products: Product[] | null;
  problem: string | null;
}

/** The menu, fetched until it comes (the agent may still be starting) and refreshed after. */
export function useCatalogue(bridge: AgentBridge, screenId: string): CatalogueState {
  const [state, setState] = useState<CatalogueState>({ products: null, problem: null });

  useEffect(() => {
    let stopped = false;
    let failures = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const load = async (): Promise<void> => {
      try {
        const products = await bridge.request('kiosk.catalogue', { screenId });
        if (stopped) return;
        failures = 0;
        setState((previous) =>
          previous.products !== null && previous.problem === null && JSON.stringify(previous.products) === JSON.stringify(products)
            ? previous
            : { products: Array.isArray(products) ? products : [], problem: null },
        );
        timer = setTimeout(() => void load(), REFRESH_MS);
      } catch (error) {
        if (stopped) return;
        setState((previous) => ({ products: previous.products, problem: problemWords(error) }));
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
