import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Greeting } from '../../../protocol/bridge';
import { bridgeWebSocketUrl, createWebSocketBridge, type WebSocketLike } from './websocket-bridge';

class FakeSocket implements WebSocketLike {
  static all: FakeSocket[] = [];
  onopen: ((event: Event) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  readonly sent: unknown[] = [];
  closedByClient = false;

  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.closedByClient = true;
  }
  acceptConnection(): void {
    this.onopen?.(new Event('open'));
  }
  drop(): void {
    this.onclose?.({} as CloseEvent);
  }
  receive(frame: unknown): void {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) } as MessageEvent);
  }
}

const latest = (): FakeSocket => {
  const socket = FakeSocket.all.at(-1);
  if (!socket) throw new Error('no socket opened');
  return socket;
};

const greeting: Greeting = {
  decisionId: 'd1',
  screenId: 'entrance',
  ruleId: 'welcome',
  firstName: 'Ana',
  text: 'Hello Ana!',
  decidedAt: '2026-01-01T09:00:00Z',
};

function start(overrides: Partial<Parameters<typeof createWebSocketBridge>[0]> = {}) {
  return createWebSocketBridge({
    url: 'ws://127.0.0.1:8080/bridge',
    WebSocket: FakeSocket,
    random: () => 1,
    now: () => Date.now(),
    ...overrides,
  });
}

beforeEach(() => {
  FakeSocket.all = [];
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('bridgeWebSocketUrl', () => {
  it('follows the page to ws or wss on the same host', () => {
    expect(bridgeWebSocketUrl({ protocol: 'http:', host: '127.0.0.1:8080' })).toBe('ws://127.0.0.1:8080/bridge');
    expect(bridgeWebSocketUrl({ protocol: 'https:', host: 'store.local' })).toBe('wss://store.local/bridge');
  });
});

describe('createWebSocketBridge', () => {
  it('sends request frames and resolves with the matching response', async () => {
    const bridge = start();
    latest().acceptConnection();
    const first = bridge.request('screen.settings', { screenId: 'entrance' });
    const second = bridge.request('greeting.shown', { screenId: 'entrance', decisionId: 'd1' });
    expect(latest().sent).toEqual([
      { kind: 'request', id: 0, name: 'screen.settings', args: { screenId: 'entrance' } },
      { kind: 'request', id: 1, name: 'greeting.shown', args: { screenId: 'entrance', decisionId: 'd1' } },
    ]);
    latest().receive({ kind: 'response', id: 1, ok: true, result: { recorded: true } });
    latest().receive({ kind: 'response', id: 0, ok: false, error: 'unknown screen' });
    await expect(second).resolves.toEqual({ recorded: true });
    await expect(first).rejects.toThrow('unknown screen');
    bridge.close();
  });

  it('holds requests made before the socket is open and sends them once it is', async () => {
    const bridge = start();
    const result = bridge.request('agent.status', {});
    expect(latest().sent).toEqual([]);
    latest().acceptConnection();
    expect(latest().sent).toHaveLength(1);
    latest().receive({ kind: 'response', id: 0, ok: true, result: { storeId: 's' } });
    await expect(result).resolves.toEqual({ storeId: 's' });
    bridge.close();
  });

  it('rejects sent requests when the connection drops, and reconnects after a backoff', async () => {
    const bridge = start({ backoff: { initialMs: 500, maxMs: 8000 } });
    latest().acceptConnection();
    const lost = bridge.request('agent.status', {});
    latest().drop();
    await expect(lost).rejects.toThrow('disconnected');
    expect(FakeSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(499);
    expect(FakeSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.all).toHaveLength(2);
    bridge.close();
  });

  it('backs off further while the agent stays away, and starts over after a stable connection', () => {
    const bridge = start({ backoff: { initialMs: 500, maxMs: 8000 }, stableAfterMs: 10_000 });
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const count = FakeSocket.all.length;
      latest().drop();
      let waited = 0;
      while (FakeSocket.all.length === count) {
        vi.advanceTimersByTime(100);
        waited += 100;
      }
      delays.push(waited);
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 8000]);

    latest().acceptConnection();
    vi.advanceTimersByTime(10_000);
    const count = FakeSocket.all.length;
    latest().drop();
    vi.advanceTimersByTime(500);
    expect(FakeSocket.all.length).toBe(count + 1);
    bridge.close();
  });

  it('keeps event listeners across reconnects until they unsubscribe', () => {
    const bridge = start();
    const seen: Greeting[] = [];
    const off = bridge.on('greeting', (payload) => seen.push(payload));
    latest().acceptConnection();
    latest().receive({ kind: 'event', name: 'greeting', payload: greeting });
    latest().drop();
    vi.advanceTimersByTime(1000);
    latest().acceptConnection();
    latest().receive({ kind: 'event', name: 'greeting', payload: { ...greeting, decisionId: 'd2' } });
    off();
    latest().receive({ kind: 'event', name: 'greeting', payload: { ...greeting, decisionId: 'd3' } });
    expect(seen.map((g) => g.decisionId)).toEqual(['d1', 'd2']);
    bridge.close();
  });

  it('ignores malformed frames and answers to unknown requests', async () => {
    const bridge = start();
    const listener = vi.fn();
    bridge.on('greeting', listener);
    latest().acceptConnection();
    const result = bridge.request('agent.status', {});
    latest().receive('not json');
    latest().receive({ kind: 'event', name: 'nonsense', payload: {} });
    latest().receive({ kind: 'response', id: 99, ok: true, result: 1 });
    latest().receive({ kind: 'response', id: '0', ok: true, result: 'wrong' });
    latest().receive({ kind: 'response', id: 0, ok: true, result: 'right' });
    await expect(result).resolves.toBe('right');
    expect(listener).not.toHaveBeenCalled();
    bridge.close();
  });

  it('times out a request the agent never answers', async () => {
    const bridge = start({ requestTimeoutMs: 2000 });
    latest().acceptConnection();
    const result = bridge.request('agent.status', {});
    const assertion = expect(result).rejects.toThrow('timed out');
    vi.advanceTimersByTime(2000);
    await assertion;
    bridge.close();
  });

  it('keeps one failing listener from starving the others', () => {
    const bridge = start();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const after = vi.fn();
    bridge.on('greeting', () => {
      throw new Error('boom');
    });
    bridge.on('greeting', after);
    latest().acceptConnection();
    latest().receive({ kind: 'event', name: 'greeting', payload: greeting });
    expect(after).toHaveBeenCalledWith(greeting);
    expect(error).toHaveBeenCalled();
    error.mockRestore();
    bridge.close();
  });

  it('retries when the WebSocket cannot even be constructed', () => {
    let attempts = 0;
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    class Refusing extends FakeSocket {
      constructor(url: string) {
        attempts++;
        if (attempts < 3) throw new Error('SyntaxError');
        super(url);
      }
    }
    const bridge = start({ WebSocket: Refusing, backoff: { initialMs: 100, maxMs: 100 } });
    vi.advanceTimersByTime(200);
    expect(attempts).toBe(3);
    expect(FakeSocket.all).toHaveLength(1);
    error.mockRestore();
    bridge.close();
  });

  it('stops reconnecting and rejects waiting requests when closed', async () => {
    const bridge = start();
    const waiting = bridge.request('agent.status', {});
    const socket = latest();
    bridge.close();
    await expect(waiting).rejects.toThrow('closed');
    expect(socket.closedByClient).toBe(true);
    socket.drop();
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);
    await expect(bridge.request('agent.status', {})).rejects.toThrow('closed');
  });
});
