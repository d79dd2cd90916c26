import type { AgentBridge } from '../../../protocol/bridge';
import { bridgeWebSocketUrl, createWebSocketBridge } from './websocket-bridge';

/**
 * The same screens run inside Electron, where the preload has put the bridge on window,
 * and in a plain browser served by the headless agent, where they reach it over a WebSocket.
 */
export function connectAgentBridge(): AgentBridge {
  if (window.agentBridge) return window.agentBridge;
  return createWebSocketBridge({ url: bridgeWebSocketUrl(window.location), WebSocket: window.WebSocket });
}
