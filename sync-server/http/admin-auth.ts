/**
 * The admin API's gate: `Authorization: Bearer <token>`, compared in constant time. Both
 * sides are hashed first so the comparison is over equal lengths and the token's length
 * does not leak either.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

export function adminTokenMatches(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  // Compare even without a token, so a missing header takes as long as a wrong one.
  const given = digest(match?.[1] ?? '');
  return timingSafeEqual(given, digest(token)) && match !== null;
}

export const ADMIN_UNAUTHORIZED = 'admin API: send a valid admin token as "Authorization: Bearer <token>"';

export function requireAdmin(token: string) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (adminTokenMatches(request.headers.authorization, token)) return;
    request.log.warn({ ip: request.ip, url: request.url }, 'admin request refused: bad or missing token');
    await reply.code(401).header('www-authenticate', 'Bearer').send({ error: ADMIN_UNAUTHORIZED });
  };
}
