import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AgentBridgeHost, AgentEventName, AgentEvents, BridgeServerFrame } from '../../protocol/bridge';
import {
  AgentClient,
  AgentUnavailableError,
  eventAudience,
  serveAgentBridge,
  vetRendererRequest,
  type MainToAgentMessage,
  type ParentPortLike,
} from './bridge-relay';

/** The utility process's parentPort: collects what the agent posts, delivers what main sends. */
class FakeParentPort implements ParentPortLike {
  readonly posted: unknown[] = [];
  readonly #listeners = new Set<(event: { data: unknown }) => void>();
  postMessage(message: unknown): void {
    // Like structured clone: functions cannot cross.
    structuredClone(message);
    this.posted.push(message);
  }
  on(_event: 'message', listener: (event: { data: unknown }) => void): this {
    this.#listeners.add(listener);
    return this;
  }
  off(_event: 'message', listener: (event: { data: unknown }) => void): this {
    this.#listeners.delete(listener);
    return this;
  }
  deliver(data: unknown): void {
    for (const listener of this.#listeners) listener({ data });
  }
}

class FakeBridgeHost implements AgentBridgeHost {
  readonly calls: Array<{ name: string; args: unknown }> = [];
  readonly #listeners = new Set<<K extends AgentEventName>(name: K, payload: AgentEvents[K]) => void>();
  constructor(private readonly answer: (name: string, args: unknown) => unknown = (name) => ({ echoed: name })) {}
  async handle(name: string, args: unknown): Promise<unknown> {
    this.calls.push({ name, args });
    return this.answer(name, args);
  }
  onEvent(listener: <K extends AgentEventName>(name: K, payload: AgentEvents[K]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  emit<K extends AgentEventName>(name: K, payload: AgentEvents[K]): void {
    for (const listener of this.#listeners) listener(name, payload);
  }
  get listenerCount(): number {
    return this.#listeners.size;
  }
}

const greeting: AgentEvents['greeting'] = {
  decisionId: 'd-1',
  screenId: 'entrance',
  ruleId: 'welcome-back',
  firstName: 'Ada',
  text: 'Welcome back, Ada',
  decidedAt: '2025-01-01T09:00:00.000Z',
};

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('serveAgentBridge (utility-process side)', () => {
  it('answers a request frame with the bridge result', async () => {
    const port = new FakeParentPort();
    const host = new FakeBridgeHost();
    serveAgentBridge(port, host);
    port.deliver({ kind: 'request', id: 7, name: 'agent.status', args: {} });
    await flush();
    expect(host.calls).toEqual([{ name: 'agent.status', args: {} }]);
    expect(port.posted).toEqual([{ kind: 'response', id: 7, ok: true, result: { echoed: 'agent.status' } }]);
  });

  it('answers a failing request with its error message', async () => {
    const port = new FakeParentPort();
    serveAgentBridge(
      port,
      new FakeBridgeHost(() => {
        throw new Error('invalid arguments for scan.submit');
      }),
    );
    port.deliver({ kind: 'request', id: 1, name: 'scan.submit', args: { nope: true } });
    await flush();
    expect(port.posted).toEqual([{ kind: 'response', id: 1, ok: false, error: 'invalid arguments for scan.submit' }]);
  });

  it('forwards agent events as event frames, and stops when told', async () => {
    const port = new FakeParentPort();
    const host = new FakeBridgeHost();
    const stop = serveAgentBridge(port, host);
    await flush();
    host.emit('greeting', greeting);
    expect(port.posted).toEqual([{ kind: 'event', name: 'greeting', payload: greeting }]);
    stop();
    expect(host.listenerCount).toBe(0);
    host.emit('greeting', greeting);
    port.deliver({ kind: 'request', id: 2, name: 'agent.status', args: {} });
    await flush();
    expect(port.posted).toHaveLength(1);
  });

  it('holds requests until the agent has started', async () => {
    const port = new FakeParentPort();
    const host = new FakeBridgeHost();
    let started!: (host: AgentBridgeHost) => void;
    serveAgentBridge(port, new Promise<AgentBridgeHost>((resolve) => (started = resolve)));
    port.deliver({ kind: 'request', id: 3, name: 'agent.status', args: {} });
    await flush();
    expect(port.posted).toEqual([]);
    started(host);
    await flush();
    expect(port.posted).toEqual([{ kind: 'response', id: 3, ok: true, result: { echoed: 'agent.status' } }]);
  });

  it('answers requests with the start failure when the agent cannot start', async () => {
    const port = new FakeParentPort();
    serveAgentBridge(port, Promise.reject(new Error('EADDRINUSE: port 1883')));
    port.deliver({ kind: 'request', id: 4, name: 'agent.status', args: {} });
    await flush();
    expect(port.posted).toEqual([{ kind: 'response', id: 4, ok: false, error: 'EADDRINUSE: port 1883' }]);
  });

  it('rejects malformed request frames, ignores other messages', async () => {
    const port = new FakeParentPort();
    const host = new FakeBridgeHost();
    serveAgentBridge(port, host, { log: () => {} });
    port.deliver({ kind: 'request', id: 5, name: 42, args: {} });
    port.deliver({ kind: 'request', id: -1, name: 'agent.status' });
    port.deliver({ kind: 'request', name: 'agent.status', args: {} });
    port.deliver({ kind: 'request', id: 6, name: 'x'.repeat(65), args: {} });
    port.deliver({ kind: 'shutdown' });
    port.deliver('hello');
    port.deliver(null);
    await flush();
    expect(host.calls).toEqual([]);
    expect(port.posted).toEqual([
      { kind: 'response', id: 5, ok: false, error: 'malformed request frame' },
      { kind: 'response', id: -1, ok: false, error: 'malformed request frame' },
      { kind: 'response', id: 6, ok: false, error: 'malformed request frame' },
    ]);
  });

  it('turns a result that cannot be cloned into an error response', async () => {
    const port = new FakeParentPort();
    serveAgentBridge(port, new FakeBridgeHost(() => ({ callback: () => 1 })));
    port.deliver({ kind: 'request', id: 8, name: 'agent.status', args: {} });
    await flush();
    expect(port.posted).toHaveLength(1);
    const frame = port.posted[0] as BridgeServerFrame;
    expect(frame).toMatchObject({ kind: 'response', id: 8, ok: false });
    expect((frame as { error: string }).error).toMatch(/^result not transferable/);
  });
});

describe('AgentClient (main side)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('numbers requests and resolves them from the matching responses, in any order', async () => {
    const sent: MainToAgentMessage[] = [];
    const client = new AgentClient((m) => sent.push(m));
    const a = client.request('screen.settings', { screenId: 'entrance' });
    const b = client.request('agent.status', {});
    expect(sent).toEqual([
      { kind: 'request', id: 0, name: 'screen.settings', args: { screenId: 'entrance' } },
      { kind: 'request', id: 1, name: 'agent.status', args: {} },
    ]);
    client.receive({ kind: 'response', id: 1, ok: true, result: 'status' });
    client.receive({ kind: 'response', id: 0, ok: false, error: 'no screen "entrance" in this store' });
    await expect(b).resolves.toBe('status');
    await expect(a).rejects.toThrow('no screen "entrance" in this store');
    expect(client.pendingCount).toBe(0);
  });

  it('ignores responses it did not ask for, and garbage', () => {
    const client = new AgentClient(() => {});
    expect(() => {
      client.receive({ kind: 'response', id: 99, ok: true, result: 1 });
      client.receive(undefined);
      client.receive('text');
      client.receive({ kind: 'unknown' });
    }).not.toThrow();
  });

  it('fans events out to listeners until they unsubscribe', () => {
    const client = new AgentClient(() => {});
    const seen: unknown[] = [];
    const off = client.onEvent((name, payload) => seen.push([name, payload]));
    client.receive({ kind: 'event', name: 'greeting', payload: greeting });
    off();
    client.receive({ kind: 'event', name: 'greeting', payload: greeting });
    expect(seen).toEqual([['greeting', greeting]]);
  });

  it('reports ready', () => {
    const onReady = vi.fn();
    const client = new AgentClient(() => {}, { onReady });
    expect(client.ready).toBe(false);
    client.receive({ kind: 'ready' });
    expect(client.ready).toBe(true);
    expect(onReady).toHaveBeenCalledTimes(1);
  });

  it('fails pending and later requests when the process is gone', async () => {
    const client = new AgentClient(() => {});
    const pending = client.request('agent.status', {});
    client.close('agent process exited (code 1)');
    await expect(pending).rejects.toBeInstanceOf(AgentUnavailableError);
    await expect(client.request('agent.status', {})).rejects.toThrow('agent process exited (code 1)');
  });

  it('times out a request the agent never answers', async () => {
    vi.useFakeTimers();
    const client = new AgentClient(() => {}, { timeoutMs: 1_000 });
    const pending = client.request('agent.status', {});
    const assertion = expect(pending).rejects.toThrow(/did not answer agent.status within 1000 ms/);
    vi.advanceTimersByTime(1_001);
    await assertion;
    expect(client.pendingCount).toBe(0);
  });

  it('fails a request it cannot send', async () => {
    const client = new AgentClient(() => {
      throw new Error('process not running');
    });
    await expect(client.request('agent.status', {})).rejects.toThrow(/cannot reach the agent: process not running/);
    expect(client.pendingCount).toBe(0);
  });
});

describe('main ↔ utility process, end to end over fake ports', () => {
  it('relays a request and an event through both ends', async () => {
    const port = new FakeParentPort();
    const host = new FakeBridgeHost((name, args) => ({ name, args }));
    serveAgentBridge(port, host);
    // main → utility process: UtilityProcess.postMessage arrives as parentPort 'message' { data }.
    const client = new AgentClient((message) => port.deliver(structuredClone(message)));
    const events: unknown[] = [];
    client.onEvent((name, payload) => events.push({ name, payload }));
    const result = client.request('greeting.shown', { screenId: 'entrance', decisionId: 'd-1' });
    await flush();
    host.emit('greeting', greeting);
    // utility process → main: parentPort.postMessage arrives as UtilityProcess 'message' (the data itself).
    for (const message of port.posted.splice(0)) client.receive(structuredClone(message));
    await expect(result).resolves.toEqual({ name: 'greeting.shown', args: { screenId: 'entrance', decisionId: 'd-1' } });
    expect(events).toEqual([{ name: 'greeting', payload: greeting }]);
  });
});

describe('vetRendererRequest', () => {
  it('passes known requests for the window’s own screen', () => {
    expect(vetRendererRequest('screen.settings', { screenId: 'entrance' }, 'entrance')).toEqual({ ok: true });
    expect(vetRendererRequest('scan.submit', { screenId: 'entrance', code: 'X', source: 'camera' }, 'entrance')).toEqual({ ok: true });
    expect(vetRendererRequest('agent.status', {}, 'entrance')).toEqual({ ok: true });
    // Argument shapes are the agent's to check.
    expect(vetRendererRequest('agent.status', undefined, 'entrance')).toEqual({ ok: true });
  });

  it('refuses unknown names, including prototype keys', () => {
    for (const name of ['agent.stop', '__proto__', 'constructor', 'toString', '', 42, null, undefined]) {
      expect(vetRendererRequest(name, {}, 'entrance').ok, String(name)).toBe(false);
    }
  });

  it('refuses a window acting for another screen', () => {
    const check = vetRendererRequest('scan.submit', { screenId: 'counter', code: 'X', source: 'camera' }, 'entrance');
    expect(check).toEqual({ ok: false, error: 'screen entrance cannot act for another screen' });
    expect(vetRendererRequest('greeting.shown', { screenId: undefined, decisionId: 'd' }, 'entrance').ok).toBe(false);
  });
});

describe('eventAudience', () => {
  const screens = ['entrance', 'counter'];
  it('sends a greeting only to its own screen', () => {
    expect(eventAudience(greeting, screens)).toEqual(['entrance']);
    expect(eventAudience({ ...greeting, screenId: 'gone' }, screens)).toEqual([]);
  });
  it('sends anything without a screen to every screen', () => {
    expect(eventAudience({ storeId: 's' }, screens)).toEqual(screens);
    expect(eventAudience(null, screens)).toEqual(screens);
  });
});
