/**
 * The head-office schema, one numbered change per file. Modules rather than .sql files, as
 * in the store agent, so the server runs from tsx or a bundle without copying assets.
 */
import storesDevices from './001-stores-devices';
import profiles from './002-profiles';
import changeLog from './003-change-log';
import events from './004-events';
import anonymousKeys from './005-anonymous-keys';
import regionRescopes from './006-region-rescopes';

import type { Migration } from '../../../main/store/migrations/index';

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'stores-devices', sql: storesDevices },
  { version: 2, name: 'profiles', sql: profiles },
  { version: 3, name: 'change-log', sql: changeLog },
  { version: 4, name: 'events', sql: events },
  { version: 5, name: 'anonymous-keys', sql: anonymousKeys },
  { version: 6, name: 'region-rescopes', sql: regionRescopes },
];
