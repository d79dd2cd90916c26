/**
 * The typed request/event map carried between the three Electron processes:
 *
 *   renderer ──ipcRenderer.invoke('agent:request')──▶ main ──parentPort──▶ agent utility process
 *   renderer ◀──────webContents.send('agent:event')── main ◀──parentPort── agent utility process
 *
 * Main and the utility process exchange the browser-mode frames of protocol/bridge.ts
 * (BridgeClientFrame / BridgeServerFrame) as structured-clone messages, plus two control
 * messages of their own ('ready' and 'shutdown').
 *
 * No Electron imports: both ends take a minimal port shape, so the relay is unit-tested
 * under plain Node.
 */
import {
  bridgeClientFrameSchema,
  requestArgSchemas,
  type AgentBridgeHost,
  type AgentEventName,
  type BridgeClientFrame,
  type BridgeServerFrame,
} from '../../protocol/bridge';

/** ipcMain.handle channel of renderer requests: (name, args) → result. */
export const AGENT_REQUEST_CHANNEL = 'agent:request';
/** webContents.send channel of agent events: (name, payload). */
export const AGENT_EVENT_CHANNEL = 'agent:event';

/** Main → utility process: stop the agent (close the store, the broker) and exit. */
export interface AgentShutdownMessage {
  kind: 'shutdown';
}
/** Utility process → main: the agent has started. */
export interface AgentReadyMessage {
  kind: 'ready';
}
export type MainToAgentMessage = BridgeClientFrame | AgentShutdownMessage;
export type AgentToMainMessage = BridgeServerFrame | AgentReadyMessage;

/** The utility process's `process.parentPort`, as far as the relay needs it. */
export interface ParentPortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  off?(event: 'message', listener: (event: { data: unknown }) => void): unknown;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Agent side: answers request frames from main with `bridge.handle(name, args)` and
 * forwards every agent event. Requests that arrive while the agent is still starting wait
 * for it; if it fails to start, they are answered with the error. Messages that are not
 * request frames (e.g. 'shutdown') are left to other listeners.
 *
 * Returns a function that stops serving.
 */
export function serveAgentBridge(
  port: ParentPortLike,
  bridge: AgentBridgeHost | Promise<AgentBridgeHost>,
  options: { log?: (message: string) => void } = {},
): () => void {
  const log = options.log ?? ((message: string) => console.warn(message));
  const ready = Promise.resolve(bridge);
  let stopped = false;
  let unsubscribe: (() => void) | undefined;

  const post = (frame: BridgeServerFrame): void => {
    if (stopped) return;
    try {
      port.postMessage(frame);
    } catch (error) {
      // Not structured-cloneable (a function, a class instance with private state…).
      if (frame.kind === 'response' && frame.ok) {
        port.postMessage({ kind: 'response', id: frame.id, ok: false, error: `result not transferable: ${errorMessage(error)}` });
      } else {
        log(`[agent-process] could not post ${frame.kind}: ${errorMessage(error)}`);
      }
    }
  };

  ready.then(
    (host) => {
      if (stopped) return;
      unsubscribe = host.onEvent((name, payload) => post({ kind: 'event', name, payload }));
    },
    () => {
      // The start failure is reported by whoever started the agent, and to every request.
    },
  );

  const onMessage = (event: { data: unknown }): void => {
    const data = event.data;
    if (!isObject(data) || data.kind !== 'request') return;
    const parsed = bridgeClientFrameSchema.safeParse(data);
    if (!parsed.success) {
      if (typeof data.id === 'number') post({ kind: 'response', id: data.id, ok: false, error: 'malformed request frame' });
      else log('[agent-process] dropped a malformed request frame');
      return;
    }
    const { id, name, args } = parsed.data;
    ready
      .then((host) => host.handle(name, args))
      .then(
        (result) => post({ kind: 'response', id, ok: true, result }),
        (error: unknown) => post({ kind: 'response', id, ok: false, error: errorMessage(error) }),
      );
  };
  port.on('message', onMessage);

  return () => {
    stopped = true;
    unsubscribe?.();
    port.off?.('message', onMessage);
  };
}

export class AgentUnavailableError extends Error {
  override name = 'AgentUnavailableError';
}

/**
 * Main side of one agent utility process: numbers requests, matches responses, times out
 * requests the agent never answers, fans events out. Wire `receive` to the process's
 * 'message' event and `close` to its 'exit'.
 */
export class AgentClient {
  #nextId = 0;
  readonly #pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: ReturnType<typeof setTimeout> }
  >();
  readonly #listeners = new Set<(name: AgentEventName, payload: unknown) => void>();
  #closed: string | undefined;
  #ready = false;
  readonly #send: (message: MainToAgentMessage) => void;
  readonly #timeoutMs: number;
  readonly #onReady: (() => void) | undefined;

  constructor(
    send: (message: MainToAgentMessage) => void,
    options: { timeoutMs?: number; onReady?: () => void } = {},
  ) {
    this.#send = send;
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#onReady = options.onReady;
  }

  get ready(): boolean {
    return this.#ready;
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  request(name: string, args: unknown): Promise<unknown> {
    if (this.#closed !== undefined) return Promise.reject(new AgentUnavailableError(this.#closed));
    const id = this.#nextId++;
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`agent did not answer ${name} within ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      try {
        this.#send({ kind: 'request', id, name, args });
      } catch (error) {
        clearTimeout(timer);
        this.#pending.delete(id);
        reject(new AgentUnavailableError(`cannot reach the agent: ${errorMessage(error)}`));
      }
    });
  }

  onEvent(listener: (name: AgentEventName, payload: unknown) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A message from the utility process. Anything unexpected is ignored. */
  receive(message: unknown): void {
    if (!isObject(message)) return;
    if (message.kind === 'ready') {
      this.#ready = true;
      this.#onReady?.();
      return;
    }
    if (message.kind === 'event' && typeof message.name === 'string') {
      for (const listener of this.#listeners) {
        try {
          listener(message.name as AgentEventName, message.payload);
        } catch (error) {
          console.error('[main] agent event listener failed:', error);
        }
      }
      return;
    }
    if (message.kind === 'response' && typeof message.id === 'number') {
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      clearTimeout(pending.timer);
      if (message.ok === true) pending.resolve(message.result);
      else pending.reject(new Error(typeof message.error === 'string' ? message.error : 'agent request failed'));
    }
  }

  /** The process is gone: fail every pending request and refuse new ones. */
  close(reason: string): void {
    if (this.#closed !== undefined) return;
    this.#closed = reason;
    this.#ready = false;
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new AgentUnavailableError(reason));
      this.#pending.delete(id);
    }
    this.#listeners.clear();
  }
}

export type RendererRequestCheck = { ok: true } | { ok: false; error: string };

/**
 * Main's check of a request coming from a signage window, before it reaches the agent
 * (which validates the arguments against their schema itself): the name must be one of
 * the map's requests, and a window may only speak for its own screen.
 */
export function vetRendererRequest(name: unknown, args: unknown, windowScreenId: string): RendererRequestCheck {
  if (typeof name !== 'string' || !Object.hasOwn(requestArgSchemas, name)) {
    return { ok: false, error: `unknown request: ${String(name).slice(0, 64)}` };
  }
  if (isObject(args) && 'screenId' in args && args.screenId !== windowScreenId) {
    return { ok: false, error: `screen ${windowScreenId} cannot act for another screen` };
  }
  return { ok: true };
}

/**
 * Which screens an agent event goes to: an event about one screen (a greeting carries its
 * screenId) only to that screen's window, so a first name is never sent to a screen that
 * will not show it; anything else to every screen.
 */
export function eventAudience(payload: unknown, screenIds: readonly string[]): string[] {
  if (isObject(payload) && typeof payload.screenId === 'string') {
    const target = payload.screenId;
    return screenIds.filter((id) => id === target);
  }
  return [...screenIds];
}
