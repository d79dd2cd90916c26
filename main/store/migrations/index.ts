/**
 * The schema, one numbered change per file. They are modules rather than .sql files so
 * the bundled Electron build and plain Node read them the same way.
 */
import profiles from './001-profiles';
import identifiers from './002-identifiers';
import outbox from './003-outbox';
import visits from './004-visits';
import greetingLedger from './005-greeting-ledger';
import profileCare from './006-profile-care';
import catalogue from './007-catalogue';
import purchases from './008-purchases';
import profileSearch from './009-profile-search';
import syncState from './010-sync-state';
import deviceCredential from './011-device-credential';
import outboxRejections from './012-outbox-rejections';
import previousVisit from './013-previous-visit';
import namePrefixIndex from './014-name-prefix-index';
import searchKeptByStore from './015-search-kept-by-store';
import rememberedGreetings from './016-remembered-greetings';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'profiles', sql: profiles },
  { version: 2, name: 'identifiers', sql: identifiers },
  { version: 3, name: 'outbox', sql: outbox },
  { version: 4, name: 'visits', sql: visits },
  { version: 5, name: 'greeting-ledger', sql: greetingLedger },
  { version: 6, name: 'profile-care', sql: profileCare },
  { version: 7, name: 'catalogue', sql: catalogue },
  { version: 8, name: 'purchases', sql: purchases },
  { version: 9, name: 'profile-search', sql: profileSearch },
  { version: 10, name: 'sync-state', sql: syncState },
  { version: 11, name: 'device-credential', sql: deviceCredential },
  { version: 12, name: 'outbox-rejections', sql: outboxRejections },
  { version: 13, name: 'previous-visit', sql: previousVisit },
  { version: 14, name: 'name-prefix-index', sql: namePrefixIndex },
  { version: 15, name: 'search-kept-by-store', sql: searchKeptByStore },
  { version: 16, name: 'remembered-greetings', sql: rememberedGreetings },
];
