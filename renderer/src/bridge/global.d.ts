import type { AgentBridge } from '../../../protocol/bridge';

declare global {
  interface Window {
    /** Set by the Electron preload through contextBridge; absent in browser mode. */
    agentBridge?: AgentBridge;
  }
}

export {};
