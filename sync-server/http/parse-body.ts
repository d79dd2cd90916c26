/** Validates a request body (or params) with zod; anything wrong is a 400 that says what and where. */
import type { z } from 'zod';
import { HttpError } from './http-error';

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what = 'body'): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues
    .slice(0, 10)
    .map((issue) => `${issue.path.map(String).join('.') || what}: ${issue.message}`)
    .join('; ');
  throw new HttpError(400, `invalid ${what}: ${details}`);
}
