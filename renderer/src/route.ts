/** Which view this window shows; a kiosk or status view joins the union beside signage. */
export type Route = { view: 'signage'; screenId: string };

export const DEFAULT_SCREEN_ID = 'entrance';

/** Reads the route from the page's query string, e.g. "?screen=counter". */
export function parseRoute(search: string): Route {
  const params = new URLSearchParams(search);
  const screenId = params.get('screen')?.trim() || DEFAULT_SCREEN_ID;
  return { view: 'signage', screenId };
}
