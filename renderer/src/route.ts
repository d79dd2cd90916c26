/**
 * Which view this window shows: the public signage, the staff kiosk at the till, or the
 * technician's status view.
 */
export type Route = { view: 'signage'; screenId: string } | { view: 'kiosk'; screenId: string } | { view: 'status'; screenId: string };

export const DEFAULT_SCREEN_ID = 'entrance';
/** The till's screen in the default agent config. */
export const DEFAULT_KIOSK_SCREEN_ID = 'till';

/**
 * Reads the route from the page's query string: "?screen=counter" is that screen's signage,
 * "?view=kiosk&screen=till" the staff kiosk, "?view=status&screen=entrance" the status view
 * (the same one a signage screen opens with Ctrl+Shift+S). Anything else is signage, so a
 * screen set up before the kiosk existed keeps working.
 */
export function parseRoute(search: string): Route {
  const params = new URLSearchParams(search);
  const screenId = params.get('screen')?.trim();
  const view = params.get('view')?.trim();
  if (view === 'kiosk') return { view: 'kiosk', screenId: screenId || DEFAULT_KIOSK_SCREEN_ID };
  if (view === 'status') return { view: 'status', screenId: screenId || DEFAULT_SCREEN_ID };
  return { view: 'signage', screenId: screenId || DEFAULT_SCREEN_ID };
}
