import { describe, expect, it } from 'vitest';
import type { AgentEventName, AgentEvents, AgentStatus, Greeting, ScreenSettings } from '../../protocol/bridge';
import { BridgeHost, BridgeRequestError, type AgentRequestHandlers } from './bridge-host';

const STATUS: AgentStatus = {
  storeId: 'store-7',
  deviceId: 'agent-1',
  startedAt: '2026-03-10T12:00:00.000Z',
  broker: { url: 'mqtt://127.0.0.1:1883', connected: true, embedded: true, messagesReceived: 12 },
  profiles: 3,
  outboxPending: 0,
  rejected: {},
  sync: { state: 'not-configured', lastSyncAt: null, cursor: 0, remaining: 0, lastError: null },
};

const SETTINGS: ScreenSettings = {
  screenId: 'entrance',
  name: 'Entrance',
  kind: 'signage',
  currency: 'GBP',
  greetingDurationMs: 8000,
  playlist: { id: 'p', slides: [{ id: 's', kind: 'text', title: 'Hi', durationMs: 1000 }] },
  scanner: { minLength: 6, maxAverageGapMs: 35, silenceMs: 80, prefix: '' },
};

/** The kiosk's requests are not under test here: each answers that it was not expected. */
const KIOSK_UNUSED = Object.fromEntries(
  ['kiosk.present', 'kiosk.card', 'kiosk.search', 'kiosk.catalogue', 'kiosk.order.confirm', 'kiosk.enrol', 'kiosk.link', 'sync.pair'].map((name) => [
    name,
    () => {
      throw new Error(`${name} not expected`);
    },
  ]),
) as unknown as Pick<AgentRequestHandlers, (`kiosk.${string}` | 'sync.pair') & keyof AgentRequestHandlers>;

function host() {
  const calls: Array<{ name: string; args: unknown }> = [];
  const handlers: AgentRequestHandlers = {
    ...KIOSK_UNUSED,
    'screen.settings': (args) => {
      calls.push({ name: 'screen.settings', args });
      return { ...SETTINGS, screenId: args.screenId };
    },
    'scan.submit': async (args) => {
      calls.push({ name: 'scan.submit', args });
      return { status: 'recognised', decided: args.code === 'good' };
    },
    'greeting.shown': (args) => {
      calls.push({ name: 'greeting.shown', args });
      return { recorded: true };
    },
    'agent.status': (args) => {
      calls.push({ name: 'agent.status', args });
      return STATUS;
    },
  };
  return { bridge: new BridgeHost(handlers), calls };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('BridgeHost.handle', () => {
  it.each([['no.such.request'], ['__proto__'], ['toString'], ['constructor'], ['']])('refuses unknown request %j', async (name) => {
    const { bridge, calls } = host();
    const error = await rejection(bridge.handle(name, {}));
    expect(error).toBeInstanceOf(BridgeRequestError);
    expect(error.message).toBe(`unknown request "${name}"`);
    expect(calls).toEqual([]);
  });

  it('cuts a very long unknown name in the error', async () => {
    const { bridge } = host();
    const error = await rejection(bridge.handle('x'.repeat(1000), {}));
    expect(error.message).toBe(`unknown request "${'x'.repeat(64)}"`);
  });

  it.each([
    ['scan.submit', { screenId: 'entrance', code: 'x'.repeat(513), source: 'camera' }],
    ['scan.submit', { screenId: 'entrance', code: '', source: 'camera' }],
    ['scan.submit', { screenId: 'entrance', code: 'abc', source: 'telepathy' }],
    ['scan.submit', { screenId: 42, code: 'abc', source: 'camera' }],
    ['scan.submit', null],
    ['screen.settings', { screenId: '' }],
    ['screen.settings', { screenId: 'x'.repeat(65) }],
    ['screen.settings', 'entrance'],
    ['greeting.shown', { screenId: 'entrance', decisionId: 7 }],
    ['greeting.shown', { screenId: 'entrance' }],
    ['agent.status', undefined],
  ])('refuses invalid arguments for %s: %j', async (name, args) => {
    const { bridge, calls } = host();
    const error = await rejection(bridge.handle(name, args));
    expect(error).toBeInstanceOf(BridgeRequestError);
    expect(error.message.startsWith(`invalid arguments for ${name}: `)).toBe(true);
    expect(calls).toEqual([]);
  });

  it('the error for an oversized code names the field', async () => {
    const { bridge } = host();
    const error = await rejection(bridge.handle('scan.submit', { screenId: 'entrance', code: 'x'.repeat(513), source: 'camera' }));
    expect(error.message).toMatch(/code/);
  });

  it('passes valid, parsed arguments to the handler and returns its result', async () => {
    const { bridge, calls } = host();
    const code = 'g'.repeat(512);
    await expect(bridge.handle('scan.submit', { screenId: 'entrance', code, source: 'keyboard-wedge', extra: 'dropped' })).resolves.toEqual({
      status: 'recognised',
      decided: false,
    });
    expect(calls).toEqual([{ name: 'scan.submit', args: { screenId: 'entrance', code, source: 'keyboard-wedge' } }]);
    await expect(bridge.handle('scan.submit', { screenId: 'entrance', code: 'good', source: 'camera' })).resolves.toEqual({
      status: 'recognised',
      decided: true,
    });
    await expect(bridge.handle('screen.settings', { screenId: 'counter' })).resolves.toMatchObject({ screenId: 'counter' });
    await expect(bridge.handle('greeting.shown', { screenId: 'entrance', decisionId: 'd-1' })).resolves.toEqual({ recorded: true });
    await expect(bridge.handle('agent.status', {})).resolves.toEqual(STATUS);
  });

  it('a handler error reaches the caller', async () => {
    const bridge = new BridgeHost({
      ...KIOSK_UNUSED,
      'screen.settings': () => {
        throw new Error('no such screen');
      },
      'scan.submit': () => ({ status: 'unknown' }),
      'greeting.shown': () => ({ recorded: false }),
      'agent.status': () => STATUS,
    });
    await expect(bridge.handle('screen.settings', { screenId: 'nope' })).rejects.toThrow('no such screen');
  });
});

describe('BridgeHost events', () => {
  const greeting: Greeting = {
    decisionId: 'd-1', screenId: 'entrance', ruleId: 'welcome', firstName: 'Maya', text: 'Welcome, Maya!', decidedAt: '2026-03-10T12:00:00.000Z',
  };

  it('reaches every listener; unsubscribe stops only that one', () => {
    const { bridge } = host();
    const a: Array<[AgentEventName, unknown]> = [];
    const b: Array<[AgentEventName, unknown]> = [];
    const offA = bridge.onEvent(<K extends AgentEventName>(name: K, payload: AgentEvents[K]) => a.push([name, payload]));
    bridge.onEvent(<K extends AgentEventName>(name: K, payload: AgentEvents[K]) => b.push([name, payload]));
    bridge.emit('greeting', greeting);
    bridge.emit('status', STATUS);
    expect(a).toEqual([['greeting', greeting], ['status', STATUS]]);
    expect(b).toEqual(a);
    offA();
    bridge.emit('greeting', { ...greeting, decisionId: 'd-2' });
    expect(a).toHaveLength(2);
    expect(b).toHaveLength(3);
    expect(b[2]![1]).toMatchObject({ decisionId: 'd-2' });
    offA(); // a second unsubscribe is harmless
    bridge.emit('status', STATUS);
    expect(b).toHaveLength(4);
  });
});
