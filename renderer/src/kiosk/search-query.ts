/** Wait this long after the last key before asking: a search per keystroke would flood the agent as staff type. */
export const SEARCH_DEBOUNCE_MS = 150;
/** The agent's own bounds for a query (protocol/kiosk.ts). */
export const SEARCH_MIN_LENGTH = 2;
export const SEARCH_MAX_LENGTH = 64;

/** What to search for, or null when there is too little typed to ask. */
export function searchQuery(text: string): string | null {
  const query = text.trim().replace(/\s+/g, ' ').slice(0, SEARCH_MAX_LENGTH).trim();
  return query.length >= SEARCH_MIN_LENGTH ? query : null;
}
