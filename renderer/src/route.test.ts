import { describe, expect, it } from 'vitest';
import { parseRoute } from './route';

describe('parseRoute', () => {
  it('shows the entrance signage when nothing is asked for', () => {
    expect(parseRoute('')).toEqual({ view: 'signage', screenId: 'entrance' });
    expect(parseRoute('?screen=')).toEqual({ view: 'signage', screenId: 'entrance' });
  });

  it('shows the signage of the screen in the query', () => {
    expect(parseRoute('?screen=counter')).toEqual({ view: 'signage', screenId: 'counter' });
    expect(parseRoute('?foo=1&screen=%20window-2%20')).toEqual({ view: 'signage', screenId: 'window-2' });
  });

  it('shows the staff kiosk of the screen in the query, the till by default', () => {
    expect(parseRoute('?view=kiosk&screen=till-2')).toEqual({ view: 'kiosk', screenId: 'till-2' });
    expect(parseRoute('?screen=back-bar&view=kiosk')).toEqual({ view: 'kiosk', screenId: 'back-bar' });
    expect(parseRoute('?view=kiosk')).toEqual({ view: 'kiosk', screenId: 'till' });
    expect(parseRoute('?view=kiosk&screen=%20')).toEqual({ view: 'kiosk', screenId: 'till' });
  });

  it('shows the status view of the screen in the query, the entrance by default', () => {
    expect(parseRoute('?view=status&screen=entrance')).toEqual({ view: 'status', screenId: 'entrance' });
    expect(parseRoute('?screen=counter&view=%20status%20')).toEqual({ view: 'status', screenId: 'counter' });
    expect(parseRoute('?view=status')).toEqual({ view: 'status', screenId: 'entrance' });
    expect(parseRoute('?view=status&screen=')).toEqual({ view: 'status', screenId: 'entrance' });
  });

  it('falls back to signage for a view it does not know', () => {
    expect(parseRoute('?view=signage&screen=counter')).toEqual({ view: 'signage', screenId: 'counter' });
    expect(parseRoute('?view=admin&screen=counter')).toEqual({ view: 'signage', screenId: 'counter' });
    expect(parseRoute('?view=KIOSK')).toEqual({ view: 'signage', screenId: 'entrance' });
    expect(parseRoute('?view=Status&screen=counter')).toEqual({ view: 'signage', screenId: 'counter' });
  });
});
