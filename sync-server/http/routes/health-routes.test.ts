import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import type { SyncContext } from '../../sync-context';
import { registerHealthRoutes } from './health-routes';

describe('/healthz', () => {
  it('is ok while head office runs and 503 once it is shutting down, so a load balancer drains it first', async () => {
    let closing = false;
    const app = Fastify();
    // /healthz reads nothing but the shutdown flag; /metrics is not called here.
    registerHealthRoutes(app, { context: { isClosing: () => closing } as unknown as SyncContext, admin: {} });
    try {
      expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ ok: true });
      closing = true;
      const draining = await app.inject({ method: 'GET', url: '/healthz' });
      expect(draining.statusCode).toBe(503);
      expect(draining.json()).toEqual({ ok: false, reason: 'shutting down' });
    } finally {
      await app.close();
    }
  });
});
