/**
 * The HTTP side: the admin API (bearer token, rate-limited), the device's pairing call
 * and store file download, health and metrics. Bodies are JSON, at most `bodyLimitBytes` (413 beyond), and every
 * error is answered as `{ error }` with a message that says what to fix.
 */
import rateLimit from '@fastify/rate-limit';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type RouteShorthandOptions } from 'fastify';
import type { SyncContext } from '../sync-context';
import { requireAdmin } from './admin-auth';
import { HttpError } from './http-error';
import { registerAssignmentRoutes } from './routes/assignment-routes';
import { registerContentRoutes } from './routes/content-routes';
import { registerDeviceRoutes } from './routes/device-routes';
import { registerHealthRoutes } from './routes/health-routes';
import { registerPairingRoutes } from './routes/pairing-routes';
import { registerProfileRoutes } from './routes/profile-routes';
import { registerStoreRoutes } from './routes/store-routes';
import { registerStoreFileRoutes } from './routes/store-file-routes';

export interface RouteKit {
  context: SyncContext;
  /** Options for an admin route: the token check, and the admin rate limit before it. */
  admin: RouteShorthandOptions;
}

export async function buildHttpApp(context: SyncContext): Promise<FastifyInstance> {
  const { config } = context;
  const app = Fastify({
    // Pino's own Logger type is wider than fastify's; narrowing keeps FastifyInstance the default one.
    loggerInstance: context.log.child({ component: 'http' }) as FastifyBaseLogger,
    // Per-request lines at info would drown the log: one debug line per response instead (below).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send({ error: `the request body is larger than the ${config.bodyLimitBytes}-byte limit` });
    }
    const status = error.statusCode ?? 500;
    // "Not now" (shutting down, a file being replaced): the client asks again; not a fault here.
    if (error instanceof HttpError && status === 503) {
      request.log.warn({ url: request.url, reason: error.message }, 'request answered: unavailable');
      return reply.code(503).send({ error: error.message });
    }
    if (status >= 500) {
      request.log.error({ err: error, url: request.url }, 'request failed');
      return reply.code(500).send({ error: 'internal server error' });
    }
    // The rate limiter throws its response object (no message), not an Error.
    const message = error.message || (error as { error?: string }).error || 'request refused';
    return reply.code(status).send({ error: message });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: `no route for ${request.method} ${request.url.split('?')[0]}` }));
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug({ method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'http');
  });

  // Only routes that ask for it are limited (global: false): pairing strictly, admin loosely.
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, limit) => ({
      statusCode: limit.statusCode,
      error: `too many requests: at most ${limit.max} per minute from one address; retry in ${limit.after}`,
    }),
  });

  const kit: RouteKit = {
    context,
    admin: {
      config: { rateLimit: { max: config.adminRequestsPerMinute, timeWindow: 60_000 } },
      preHandler: requireAdmin(config.adminToken),
    },
  };
  registerHealthRoutes(app, kit);
  registerStoreRoutes(app, kit);
  registerDeviceRoutes(app, kit);
  registerPairingRoutes(app, kit);
  registerProfileRoutes(app, kit);
  registerAssignmentRoutes(app, kit);
  registerContentRoutes(app, kit);
  registerStoreFileRoutes(app, kit);
  return app;
}
