import type { Greeting } from '../../../protocol/bridge';

/**
 * Event payloads cross a process boundary unchecked; a greeting missing what the screen
 * keys on or shows is dropped rather than put up half-formed.
 */
export function isGreeting(payload: unknown): payload is Greeting {
  if (typeof payload !== 'object' || payload === null) return false;
  const p = payload as Record<string, unknown>;
  return typeof p.decisionId === 'string' && p.decisionId !== '' && typeof p.screenId === 'string' && typeof p.text === 'string';
}
