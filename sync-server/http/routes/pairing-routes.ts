/**
 * `POST /api/pair`: the one unauthenticated write. A device trades its one-time code for
 * a credential. Attempts are limited per address and failures counted, so codes cannot
 * be guessed.
 */
import type { FastifyInstance } from 'fastify';
import { pairRequestSchema } from '../../../protocol/sync';
import { PAIRING_REFUSED } from '../../pairing/pairing-service';
import { HttpError } from '../http-error';
import { parseWith } from '../parse-body';
import type { RouteKit } from '../build-http-app';

export function registerPairingRoutes(app: FastifyInstance, { context }: RouteKit): void {
  const limit = { rateLimit: { max: context.config.pairing.attemptsPerMinute, timeWindow: 60_000 } };
  app.post('/api/pair', { config: limit }, async (request) => {
    let body;
    try {
      body = parseWith(pairRequestSchema, request.body);
    } catch (error) {
      context.metrics.pairingFailures += 1;
      throw error;
    }
    const outcome = await context.pairing.pair(body);
    if (!outcome.ok) {
      context.metrics.pairingFailures += 1;
      request.log.warn({ ip: request.ip }, 'pairing refused');
      throw new HttpError(401, PAIRING_REFUSED);
    }
    request.log.info({ deviceId: outcome.pairing.deviceId, storeId: outcome.pairing.storeId }, 'device paired');
    return outcome.pairing;
  });
}
