import { useEffect, useState } from 'react';
import type { AgentBridge } from '../../../protocol/bridge';
import type { SearchHit } from '../../../protocol/kiosk';
import { problemWords } from './problem-words';
import { SEARCH_DEBOUNCE_MS, searchQuery } from './search-query';

export interface SearchState {
  /** The query the hits are for; null when too little is typed to search. */
  query: string | null;
  hits: SearchHit[];
  searching: boolean;
  problem: string | null;
}

const IDLE: SearchState = { query: null, hits: [], searching: false, problem: null };

/** Customers matching what staff typed, asked a moment after they stop typing; answers to older queries are dropped. */
export function useSearch(bridge: AgentBridge, screenId: string, text: string): SearchState {
  const query = searchQuery(text);
  const [state, setState] = useState<SearchState>(IDLE);

  useEffect(() => {
    if (query === null) {
      setState(IDLE);
      return;
    }
    let current = true;
    setState((previous) => ({ ...previous, searching: true, problem: null }));
    const timer = setTimeout(() => {
      bridge.request('kiosk.search', { screenId, query }).then(
        (hits) => {
          if (current) setState({ query, hits: Array.isArray(hits) ? hits : [], searching: false, problem: null });
        },
        (error: unknown) => {
          if (current) setState({ query, hits: [], searching: false, problem: problemWords(error) });
        },
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [bridge, screenId, query]);

  return state;
}
