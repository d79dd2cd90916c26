import { readFileSync } from 'node:fs';
import type { EventEmitter } from 'node:events';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { AgentBridge } from '../../protocol/bridge';
import { AGENT_EVENT_CHANNEL, AGENT_REQUEST_CHANNEL } from './bridge-relay';

const electron = vi.hoisted(() => {
  const exposed: Record<string, unknown> = {};
  return {
    exposed,
    invoke: vi.fn<(channel: string, ...args: unknown[]) => Promise<unknown>>(),
    renderer: undefined as unknown as EventEmitter,
  };
});

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  electron.renderer = new Emitter();
  const ipcRenderer = Object.assign(electron.renderer, { invoke: electron.invoke });
  return {
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => {
        electron.exposed[key] = api;
      },
    },
    ipcRenderer,
  };
});

describe('preload', () => {
  let bridge: AgentBridge;
  beforeAll(async () => {
    await import('./preload');
    bridge = electron.exposed.agentBridge as AgentBridge;
  });

  it('exposes agentBridge and nothing else', () => {
    expect(Object.keys(electron.exposed)).toEqual(['agentBridge']);
    expect(Object.keys(bridge).sort()).toEqual(['on', 'request']);
  });

  it('sends requests over the agent request channel and returns the answer', async () => {
    electron.invoke.mockResolvedValueOnce({ recorded: true });
    await expect(bridge.request('greeting.shown', { screenId: 'entrance', decisionId: 'd-1' })).resolves.toEqual({ recorded: true });
    expect(electron.invoke).toHaveBeenCalledWith(AGENT_REQUEST_CHANNEL, 'greeting.shown', { screenId: 'entrance', decisionId: 'd-1' });
  });

  it('passes request failures on', async () => {
    electron.invoke.mockRejectedValueOnce(new Error('agent is restarting'));
    await expect(bridge.request('agent.status', {})).rejects.toThrow('agent is restarting');
  });

  it('delivers only the subscribed event, payload only, until unsubscribed', () => {
    const greetings: unknown[] = [];
    const off = bridge.on('greeting', (payload) => greetings.push(payload));
    const ipcEvent = { sender: 'must not leak' };
    electron.renderer.emit(AGENT_EVENT_CHANNEL, ipcEvent, 'status', { storeId: 's' });
    electron.renderer.emit(AGENT_EVENT_CHANNEL, ipcEvent, 'greeting', { firstName: 'Ada' });
    off();
    electron.renderer.emit(AGENT_EVENT_CHANNEL, ipcEvent, 'greeting', { firstName: 'Bob' });
    expect(greetings).toEqual([{ firstName: 'Ada' }]);
    expect(electron.renderer.listenerCount(AGENT_EVENT_CHANNEL)).toBe(0);
  });
});

describe('preload source (sandboxed: only electron may be required at runtime)', () => {
  const source = readFileSync(new URL('./preload.ts', import.meta.url), 'utf8');
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');

  it('imports nothing but electron at runtime', () => {
    const imports = [...code.matchAll(/^\s*import\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => ({
      typeOnly: Boolean(m[1]),
      from: m[2],
    }));
    expect(imports.length).toBeGreaterThan(0);
    for (const { typeOnly, from } of imports) {
      if (from !== 'electron') expect(typeOnly, `runtime import of ${from}`).toBe(true);
    }
    expect(code).not.toMatch(/\brequire\s*\(/);
    expect(code).not.toMatch(/\bimport\s*\(/);
    expect(code).not.toMatch(/^\s*import\s+['"]/m);
    expect(code).not.toMatch(/^\s*export\s+.*\bfrom\b/m);
  });

  it('uses the same channel names as the main process', () => {
    expect(source).toContain(`'${AGENT_REQUEST_CHANNEL}'`);
    expect(source).toContain(`'${AGENT_EVENT_CHANNEL}'`);
  });
});
