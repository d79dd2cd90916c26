/** Stores: created by the admin; the id is what devices and events carry as `context.store.id`. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HttpError } from '../http-error';
import { parseWith } from '../parse-body';
import type { RouteKit } from '../build-http-app';

/** Letters, digits, dot, dash, underscore: safe in a room name, a URL and a log line ('*' is taken). */
export const storeIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a store id is 1-64 letters, digits, ".", "-" or "_"');

const newStoreSchema = z
  .object({
    id: storeIdSchema,
    name: z.string().trim().min(1).max(120),
    region: z.string().trim().min(1).max(80).optional(),
  })
  .strict();

export function registerStoreRoutes(app: FastifyInstance, { context, admin }: RouteKit): void {
  app.post('/api/stores', admin, async (request, reply) => {
    const body = parseWith(newStoreSchema, request.body);
    const store = { id: body.id, name: body.name, region: body.region ?? null, createdAt: new Date(context.config.now()).toISOString() };
    if (!(await context.storage.createStore(store))) throw new HttpError(409, `store ${body.id} exists already`);
    context.log.info({ storeId: store.id }, 'store created');
    // With scope.homeRegion, the region's profiles go to it in the background (profiles/region-rescopes.ts).
    if (store.region) await context.regionRescopes.storeOpened(store.region);
    return reply.code(201).send(store);
  });

  app.get('/api/stores', admin, async () => ({ stores: await context.storage.listStores() }));
}
