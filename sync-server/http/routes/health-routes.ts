/** Liveness for the load balancer (no token), and Prometheus metrics (admin token: they name devices). */
import type { FastifyInstance } from 'fastify';
import { deviceStatuses } from '../../devices/device-status';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from '../../metrics/prometheus-text';
import type { RouteKit } from '../build-http-app';

export function registerHealthRoutes(app: FastifyInstance, { context, admin }: RouteKit): void {
  // Not ok while shutting down, so a load balancer stops sending work before the sockets
  // close. It does not touch the database: behind a large group commit it would answer late
  // and a busy head office would look dead.
  app.get('/healthz', async (_request, reply) => (context.isClosing() ? reply.code(503).send({ ok: false, reason: 'shutting down' }) : { ok: true }));

  app.get('/metrics', admin, async (_request, reply) => {
    const statuses = await deviceStatuses(context.storage, context.devices, context.cursors);
    const body = renderPrometheus({
      counters: context.metrics,
      connectedDevices: context.devices.count,
      deviceLags: statuses.flatMap((d) => (d.state === 'paired' && d.lag !== null ? [{ deviceId: d.deviceId, storeId: d.storeId, lag: d.lag }] : [])),
    });
    return reply.type(PROMETHEUS_CONTENT_TYPE).send(body);
  });
}
