import type { AgentEventName, BridgeServerFrame } from '../../../protocol/bridge';

/** A Record so that an event added to the protocol fails to compile here until it is known. */
const EVENT_NAMES: Record<AgentEventName, true> = { greeting: true, status: true, 'kiosk.present': true };

function isEventName(name: unknown): name is AgentEventName {
  return typeof name === 'string' && Object.hasOwn(EVENT_NAMES, name);
}

function isRequestId(id: unknown): id is number {
  return typeof id === 'number' && Number.isInteger(id) && id >= 0;
}

/**
 * Reads one WebSocket message from the agent; anything that is not a well-formed frame
 * gives null, so a garbled or foreign message can never reach a pending request or a listener.
 * Payloads are left to their consumers, which know their shapes.
 */
export function parseServerFrame(data: unknown): BridgeServerFrame | null {
  if (typeof data !== 'string') return null;
  let frame: unknown;
  try {
    frame = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return null;
  const f = frame as Record<string, unknown>;
  if (f.kind === 'event') {
    return isEventName(f.name) ? { kind: 'event', name: f.name, payload: f.payload } : null;
  }
  if (f.kind === 'response' && isRequestId(f.id)) {
    if (f.ok === true) return { kind: 'response', id: f.id, ok: true, result: f.result };
    if (f.ok === false) {
      return { kind: 'response', id: f.id, ok: false, error: typeof f.error === 'string' ? f.error : 'request failed' };
    }
  }
  return null;
}
