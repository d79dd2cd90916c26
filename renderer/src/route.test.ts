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
});
