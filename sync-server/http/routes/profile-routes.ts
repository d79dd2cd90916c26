/**
 * Profiles at head office: read the golden record with its timeline, edit it (the change
 * goes to every store that holds it), erase it (a tombstone goes to each of them).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { profilePatchSchema } from '../../profiles/admin-patch';
import { fromRecord, toGoldenRecord } from '../../profiles/central-profile';
import { ProfileEditError } from '../../profiles/profile-work';
import { withProfileWork } from '../../profiles/with-profile-work';
import { HttpError } from '../http-error';
import { parseWith } from '../parse-body';
import type { RouteKit } from '../build-http-app';

const profileIdSchema = z.string().min(1).max(64);
const timelineQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });

export function registerProfileRoutes(app: FastifyInstance, { context, admin }: RouteKit): void {
  app.get<{ Params: { id: string } }>('/api/profiles/:id', admin, async (request) => {
    const id = parseWith(profileIdSchema, request.params.id, 'profile id');
    const { limit } = parseWith(timelineQuerySchema, request.query, 'query');
    const found = await context.storage.transaction(async (tx) => {
      const record = await tx.getProfile(id);
      if (!record) return undefined;
      const profile = fromRecord(record, await tx.identifiersOf(id));
      return {
        profile: toGoldenRecord(profile),
        homeStoreId: profile.homeStoreId,
        scope: await tx.scopeFacts(id),
        heldBy: await tx.holdersOf('profiles', id),
        aliases: await tx.aliasesOf(id),
        fieldClocks: profile.clocks,
        identifierConflicts: await tx.identifierConflictsOf(id),
        createdAt: profile.createdAt,
        updatedAt: profile.updatedAt,
        timeline: (await tx.timeline(id, limit)).map((event) => ({
          messageId: event.messageId,
          event: event.event,
          timestamp: event.timestamp,
          originalTimestamp: event.originalTimestamp,
          sentAt: event.sentAt,
          receivedAt: event.receivedAt,
          storeId: event.storeId,
          deviceId: event.deviceId,
          userId: event.userId,
          anonymousId: event.anonymousId,
          properties: event.payload?.properties ?? null,
        })),
      };
    });
    if (!found) throw new HttpError(404, `no profile ${id}`);
    return found;
  });

  app.put<{ Params: { id: string } }>('/api/profiles/:id', admin, async (request, reply) => {
    const id = parseWith(profileIdSchema, request.params.id, 'profile id');
    const patch = parseWith(profilePatchSchema, request.body);
    try {
      const result = await withProfileWork(context, (work) => work.edit(id, patch));
      context.log.info({ profileId: id, created: result.created, fields: Object.keys(patch) }, 'profile edited by admin');
      return reply.code(result.created ? 201 : 200).send(result);
    } catch (error) {
      if (error instanceof ProfileEditError) throw new HttpError(error.status, error.message);
      throw error;
    }
  });

  app.delete<{ Params: { id: string } }>('/api/profiles/:id', admin, async (request) => {
    const id = parseWith(profileIdSchema, request.params.id, 'profile id');
    const erased = await withProfileWork(context, (work) => work.erase(id));
    if (!erased) throw new HttpError(404, `no profile ${id}`);
    // The stores' files still hold the person: gone now, and built again without them.
    context.storeFiles.invalidate(erased.tombstones);
    context.log.warn({ profileId: id, stores: erased.tombstones.length }, 'profile erased');
    return { erased: id, tombstones: erased.tombstones };
  });
}
