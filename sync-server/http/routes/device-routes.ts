/** Devices: added to a store (which issues a pairing code), listed with their sync state, revoked. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { deviceStatuses } from '../../devices/device-status';
import { HttpError } from '../http-error';
import { parseWith } from '../parse-body';
import type { RouteKit } from '../build-http-app';

const newDeviceSchema = z.object({ name: z.string().trim().min(1).max(80) }).strict();

export function registerDeviceRoutes(app: FastifyInstance, { context, admin }: RouteKit): void {
  app.post<{ Params: { storeId: string } }>('/api/stores/:storeId/devices', admin, async (request, reply) => {
    const { name } = parseWith(newDeviceSchema, request.body);
    const device = await context.pairing.addDevice(request.params.storeId, name);
    if (!device) throw new HttpError(404, `no store ${request.params.storeId}`);
    context.log.info({ deviceId: device.deviceId, storeId: request.params.storeId }, 'device added, awaiting pairing');
    return reply.code(201).send(device);
  });

  app.get('/api/devices', admin, async () => ({ devices: await deviceStatuses(context.storage, context.devices, context.cursors) }));

  app.post<{ Params: { deviceId: string } }>('/api/devices/:deviceId/revoke', admin, async (request) => {
    const { deviceId } = request.params;
    const at = new Date(context.config.now()).toISOString();
    const device = await context.storage.getDevice(deviceId);
    if (!device) throw new HttpError(404, `no device ${deviceId}`);
    const revokedNow = await context.storage.revokeDevice(deviceId, at);
    // Disconnect even when it was revoked already: a connection must never outlive a revocation.
    const disconnected = context.devices.revoke(deviceId);
    const downloadsCut = context.storeFiles.cutDownloadsOf(deviceId);
    context.log.warn({ deviceId, disconnected, downloadsCut }, 'device revoked');
    return { deviceId, revokedAt: revokedNow ? at : device.revokedAt, disconnected };
  });
}
