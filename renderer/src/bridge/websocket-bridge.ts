import type { AgentBridge, AgentEventName, AgentEvents, AgentRequestArgs, AgentRequestName, AgentRequestResult, BridgeClientFrame } from '../../../protocol/bridge';
import { BRIDGE_WEBSOCKET_PATH } from '../../../protocol/bridge';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { parseServerFrame } from './server-frame';

/** The part of the browser's WebSocket this bridge uses, so a test can pass a fake. */
export interface WebSocketLike {
  onopen: ((event: Event) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface WebSocketBridgeOptions {
  url: string;
  WebSocket: WebSocketConstructor;
  /** A request with no answer by then rejects, so a caller never waits forever on a silent agent. */
  requestTimeoutMs?: number;
  backoff?: BackoffOptions;
  /** A connection that stayed up this long was healthy: the next outage starts the backoff afresh. */
  stableAfterMs?: number;
  random?: () => number;
  now?: () => number;
}

export interface WebSocketBridge extends AgentBridge {
  /** Stops reconnecting and rejects whatever is still waiting. */
  close(): void;
}

interface PendingRequest {
  frame: string;
  sent: boolean;
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export function bridgeWebSocketUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${BRIDGE_WEBSOCKET_PATH}`;
}

/**
 * The browser-mode bridge. A screen runs unattended for weeks and the agent may restart
 * under it, so the socket reconnects for ever with backoff. Requests made while it is
 * down wait for the next connection (bounded by the request timeout); requests already
 * sent when it drops reject, because whether the agent acted on them is unknown.
 * Event listeners belong to the bridge, not to one socket, so they survive reconnects.
 */
export function createWebSocketBridge(options: WebSocketBridgeOptions): WebSocketBridge {
  const requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const stableAfterMs = options.stableAfterMs ?? 10_000;
  const random = options.random ?? Math.random;
  const now = options.now ?? (() => Date.now());

  const pending = new Map<number, PendingRequest>();
  const listeners = new Map<AgentEventName, Set<(payload: unknown) => void>>();
  let socket: WebSocketLike | null = null;
  let open = false;
  let openedAt = 0;
  let failures = 0;
  let nextId = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  function settle(id: number): PendingRequest | undefined {
    const request = pending.get(id);
    if (request) {
      pending.delete(id);
      clearTimeout(request.timer);
    }
    return request;
  }

  function transmit(request: PendingRequest): void {
    if (!open || !socket || request.sent) return;
    try {
      socket.send(request.frame);
      request.sent = true;
    } catch {
      // The socket is closing; onclose follows and the request waits for the next one.
    }
  }

  function dispatch(name: AgentEventName, payload: unknown): void {
    for (const listener of [...(listeners.get(name) ?? [])]) {
      try {
        listener(payload);
      } catch (error) {
        console.error(`agent bridge: a "${name}" listener failed`, error);
      }
    }
  }

  function onMessage(data: unknown): void {
    const frame = parseServerFrame(data);
    if (!frame) return;
    if (frame.kind === 'event') {
      dispatch(frame.name, frame.payload);
      return;
    }
    const request = settle(frame.id);
    if (!request) return;
    if (frame.ok) request.resolve(frame.result);
    else request.reject(new Error(frame.error));
  }

  function onDisconnect(): void {
    const wasOpen = open;
    open = false;
    socket = null;
    for (const [id, request] of [...pending]) {
      if (request.sent) {
        settle(id);
        request.reject(new Error('agent bridge disconnected before the agent answered'));
      }
    }
    if (closed) return;
    if (wasOpen && now() - openedAt >= stableAfterMs) failures = 0;
    reconnectTimer = setTimeout(connect, backoffDelay(failures++, backoff, random));
  }

  function connect(): void {
    reconnectTimer = undefined;
    if (closed) return;
    let ws: WebSocketLike;
    try {
      ws = new options.WebSocket(options.url);
    } catch (error) {
      console.error('agent bridge: cannot open the WebSocket', error);
      onDisconnect();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      if (socket !== ws) return;
      open = true;
      openedAt = now();
      for (const request of pending.values()) transmit(request);
    };
    ws.onmessage = (event) => {
      if (socket === ws) onMessage(event.data);
    };
    ws.onclose = () => {
      if (socket === ws) onDisconnect();
    };
    // Every error is followed by a close, which is where reconnecting happens.
    ws.onerror = () => {};
  }

  function request<K extends AgentRequestName>(name: K, args: AgentRequestArgs<K>): Promise<AgentRequestResult<K>> {
    if (closed) return Promise.reject(new Error('agent bridge closed'));
    const id = nextId++;
    const frame: BridgeClientFrame = { kind: 'request', id, name, args };
    return new Promise<AgentRequestResult<K>>((resolve, reject) => {
      const entry: PendingRequest = {
        frame: JSON.stringify(frame),
        sent: false,
        resolve: (result) => resolve(result as AgentRequestResult<K>),
        reject,
        timer: setTimeout(() => {
          if (settle(id)) reject(new Error(`agent bridge: "${name}" timed out after ${requestTimeoutMs} ms`));
        }, requestTimeoutMs),
      };
      pending.set(id, entry);
      transmit(entry);
    });
  }

  function on<K extends AgentEventName>(name: K, listener: (payload: AgentEvents[K]) => void): () => void {
    const untyped = listener as (payload: unknown) => void;
    let set = listeners.get(name);
    if (!set) {
      set = new Set();
      listeners.set(name, set);
    }
    set.add(untyped);
    return () => {
      listeners.get(name)?.delete(untyped);
    };
  }

  function close(): void {
    if (closed) return;
    closed = true;
    clearTimeout(reconnectTimer);
    const ws = socket;
    socket = null;
    open = false;
    ws?.close();
    for (const [id, entry] of [...pending]) {
      settle(id);
      entry.reject(new Error('agent bridge closed'));
    }
  }

  connect();
  return { request, on, close };
}
