/** Which view this window shows: the public signage, or the staff kiosk at the till. */
export type Route = { view: 'signage'; screenId: string } | { view: 'kiosk'; screenId: string };

export const DEFAULT_SCREEN_ID = 'entrance';
/** The till's screen in the default agent config. */
export const DEFAULT_KIOSK_SCREEN_ID = 'till';

/**
 * Reads the route from the page's query string: "?screen=counter" is that screen's signage,
 * "?view=kiosk&screen=till" the staff kiosk. Anything else is signage, so a screen set up
 * before the kiosk existed keeps working.
 */
export function parseRoute(search: string): Route {
  const params = new URLSearchParams(search);
  const screenId = params.get('screen')?.trim();
  if (params.get('view')?.trim() === 'kiosk') return { view: 'kiosk', screenId: screenId || DEFAULT_KIOSK_SCREEN_ID };
  return { view: 'signage', screenId: screenId || DEFAULT_SCREEN_ID };
}
