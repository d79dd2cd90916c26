/**
 * Assigning a profile to a store (optionally as its home store) and undoing it. The store
 * gets the profile, or a tombstone, unless it holds it for another reason (scope.ts).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { withProfileWork } from '../../profiles/with-profile-work';
import { HttpError } from '../http-error';
import { parseWith } from '../parse-body';
import type { RouteKit } from '../build-http-app';

const assignmentSchema = z.object({ home: z.boolean().default(false) }).strict();

type Params = { Params: { storeId: string; profileId: string } };

export function registerAssignmentRoutes(app: FastifyInstance, { context, admin }: RouteKit): void {
  app.put<Params>('/api/stores/:storeId/profiles/:profileId', admin, async (request) => {
    const { storeId, profileId } = request.params;
    const { home } = parseWith(assignmentSchema, request.body ?? {});
    if (!(await context.storage.getStore(storeId))) throw new HttpError(404, `no store ${storeId}`);
    const heldBy = await withProfileWork(context, async (work) => {
      if (!(await work.assign(storeId, profileId, home))) return undefined;
      await work.finish();
      return work.holders(profileId);
    });
    if (!heldBy) throw new HttpError(404, `no profile ${profileId}`);
    return { storeId, profileId, home, heldBy };
  });

  app.delete<Params>('/api/stores/:storeId/profiles/:profileId', admin, async (request) => {
    const { storeId, profileId } = request.params;
    const heldBy = await withProfileWork(context, async (work) => {
      if (!(await work.load(profileId))) return undefined;
      const wasAssigned = await work.unassign(storeId, profileId);
      await work.finish();
      return { wasAssigned, holders: await work.holders(profileId) };
    });
    if (!heldBy) throw new HttpError(404, `no profile ${profileId}`);
    if (!heldBy.wasAssigned) throw new HttpError(404, `profile ${profileId} is not assigned to store ${storeId}`);
    // Still held when the person visited recently: the scope rule keeps them there.
    return { storeId, profileId, stillHeld: heldBy.holders.includes(storeId), heldBy: heldBy.holders };
  });
}
