/**
 * Preload of every signage window: exposes `window.agentBridge` (the AgentBridge of
 * protocol/bridge.ts) and nothing else.
 *
 * The window is sandboxed, so this file may only require('electron') at runtime: every
 * other import must be `import type`. The channel names repeat AGENT_REQUEST_CHANNEL /
 * AGENT_EVENT_CHANNEL of bridge-relay.ts on purpose (preload.test.ts checks they match).
 * The page never sees ipcRenderer or an IpcRendererEvent.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type {
  AgentBridge,
  AgentEventName,
  AgentEvents,
  AgentRequestArgs,
  AgentRequestName,
  AgentRequestResult,
} from '../../protocol/bridge';

const api = {
  request<K extends AgentRequestName>(name: K, args: AgentRequestArgs<K>): Promise<AgentRequestResult<K>> {
    return ipcRenderer.invoke('agent:request', name, args) as Promise<AgentRequestResult<K>>;
  },
  on<K extends AgentEventName>(name: K, listener: (payload: AgentEvents[K]) => void): () => void {
    const relay = (_event: IpcRendererEvent, eventName: unknown, payload: unknown): void => {
      if (eventName === name) listener(payload as AgentEvents[K]);
    };
    ipcRenderer.on('agent:event', relay);
    return () => {
      ipcRenderer.removeListener('agent:event', relay);
    };
  },
} satisfies AgentBridge;

contextBridge.exposeInMainWorld('agentBridge', api);
