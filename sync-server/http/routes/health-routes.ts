/** Liveness for the load balancer (no token), and Prometheus metrics (admin token: they name devices). */
import type { FastifyInstance } from 'fastify';
import { deviceStatuses } from '../../devices/device-status';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from '../../metrics/prometheus-text';
import type { RouteKit } from '../build-http-app';

export function registerHealthRoutes(app: FastifyInstance, { context, admin }: RouteKit): void {
  app.get('/healthz', async () => ({ ok: true }));

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
