/**
 * What every store gets alike: the rule set, playlists and the product catalogue. Each
 * write replaces the previous change for its key (one row for all stores) and pokes them.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { collectionDataSchemas } from '../../../protocol/sync';
import { compileRuleSet, RuleSetError } from '../../../main/decisions/rule-set';
import { publishChanges } from '../../changes/publish-changes';
import { ALL_STORES } from '../../storage/sync-storage';
import { HttpError } from '../http-error';
import { parseWith } from '../parse-body';
import type { RouteKit } from '../build-http-app';

const playlistIdSchema = z.string().min(1).max(128);

export function registerContentRoutes(app: FastifyInstance, { context, admin }: RouteKit): void {
  app.put('/api/rules', admin, async (request) => {
    const rules = parseWith(collectionDataSchemas.rules, request.body);
    // The agents' own compiler: a rule set every store would refuse (and keep running on its
    // old one, out of step with the checksum) is refused here, before any store sees it.
    try {
      compileRuleSet(rules);
    } catch (error) {
      if (error instanceof RuleSetError) throw new HttpError(400, error.message);
      throw error;
    }
    const version = await publishChanges(context, (_tx, changes) => changes.upsert(ALL_STORES, 'rules', 'default', rules));
    context.log.info({ version }, 'rule set published');
    return { collection: 'rules', key: 'default', version };
  });

  app.put<{ Params: { id: string } }>('/api/playlists/:id', admin, async (request) => {
    const id = parseWith(playlistIdSchema, request.params.id, 'playlist id');
    const playlist = parseWith(collectionDataSchemas.playlists, request.body);
    if (playlist.id !== id) throw new HttpError(400, `the playlist's id "${playlist.id}" differs from the URL's "${id}"`);
    const version = await publishChanges(context, (_tx, changes) => changes.upsert(ALL_STORES, 'playlists', id, playlist));
    context.log.info({ playlistId: id, version }, 'playlist published');
    return { collection: 'playlists', key: id, version };
  });

  app.delete<{ Params: { id: string } }>('/api/playlists/:id', admin, async (request) => {
    const id = parseWith(playlistIdSchema, request.params.id, 'playlist id');
    const version = await publishChanges(context, (_tx, changes) => changes.tombstone(ALL_STORES, 'playlists', id));
    return { collection: 'playlists', key: id, version };
  });

  app.put('/api/catalogue', admin, async (request) => {
    const catalogue = parseWith(collectionDataSchemas.catalogue, request.body);
    const version = await publishChanges(context, (_tx, changes) => changes.upsert(ALL_STORES, 'catalogue', 'default', catalogue));
    context.log.info({ products: catalogue.length, version }, 'catalogue published');
    return { collection: 'catalogue', key: 'default', version, products: catalogue.length };
  });
}
