/**
 * The store agent: composes ingestion, presence, the local store, decisions and the
 * outbox. Imports nothing from Electron, so the same core runs headless under Node and
 * inside Electron's utility process.
 */
import type { AgentBridgeHost } from '../protocol/bridge';
import type { AgentConfig } from './config/agent-config';

export interface Agent {
  readonly config: AgentConfig;
  /** The typed request/event map that screens talk to, whatever the transport. */
  readonly bridge: AgentBridgeHost;
  /** Browser mode: where the screens are served (http://127.0.0.1:port), when httpPort is set. */
  readonly httpUrl: string | undefined;
  stop(): Promise<void>;
}

export async function startAgent(config: AgentConfig): Promise<Agent> {
  void config;
  throw new Error('not yet wired');
}
