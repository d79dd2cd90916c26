/** The content loop a new store shows until head office sends its own. */
import type { Playlist } from '../../protocol/bridge';

export const DEFAULT_PLAYLIST: Playlist = {
  id: 'default',
  slides: [
    { id: 'welcome', kind: 'text', title: 'Freshly roasted, every morning', body: 'Ask us about this week\u2019s single origin', background: '#1b3a2f', durationMs: 6000 },
    { id: 'coffee', kind: 'image', src: 'content/coffee.svg', caption: 'Flat white \u2014 made your way', durationMs: 6000 },
    { id: 'loyalty', kind: 'text', title: 'Every tenth coffee is on us', body: 'Scan your card or app at the counter', background: '#3a1b2f', durationMs: 6000 },
    { id: 'pastry', kind: 'image', src: 'content/pastry.svg', caption: 'Baked in store today', durationMs: 6000 },
  ],
};
