/**
 * Serves the renderer↔agent map (protocol/bridge.ts) over any transport. A screen is
 * untrusted: its arguments are checked against the shared schemas before any handler runs,
 * and an unknown request name is an error, not a crash.
 */
import { z } from 'zod';
import {
  requestArgSchemas,
  type AgentBridgeHost,
  type AgentEventName,
  type AgentEvents,
  type AgentRequestArgs,
  type AgentRequestName,
  type AgentRequestResult,
} from '../../protocol/bridge';

export type AgentRequestHandlers = {
  [K in AgentRequestName]: (args: AgentRequestArgs<K>) => AgentRequestResult<K> | Promise<AgentRequestResult<K>>;
};

export class BridgeRequestError extends Error {}

type EventListener = <K extends AgentEventName>(name: K, payload: AgentEvents[K]) => void;

export class BridgeHost implements AgentBridgeHost {
  private readonly listeners = new Set<EventListener>();

  constructor(private readonly handlers: AgentRequestHandlers) {}

  async handle(name: string, args: unknown): Promise<unknown> {
    if (!Object.hasOwn(requestArgSchemas, name)) throw new BridgeRequestError(`unknown request "${String(name).slice(0, 64)}"`);
    const key = name as AgentRequestName;
    const parsed = requestArgSchemas[key].safeParse(args);
    if (!parsed.success) throw new BridgeRequestError(`invalid arguments for ${key}: ${z.prettifyError(parsed.error)}`);
    const handler = this.handlers[key] as (a: unknown) => unknown;
    return handler(parsed.data);
  }

  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<K extends AgentEventName>(name: K, payload: AgentEvents[K]): void {
    for (const listener of this.listeners) listener(name, payload);
  }
}
