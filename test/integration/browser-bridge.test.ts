/**
 * Browser mode over real TCP: the agent serves the screens and the typed map on a
 * WebSocket; hostile frames get an error and change nothing; the embedded broker takes
 * gateway messages when no broker is configured.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import WebSocket from 'ws';
import { startAgent, type Agent } from '../../main/agent';
import { parseAgentConfig } from '../../main/config/agent-config';
import type { BridgeServerFrame } from '../../protocol/bridge';
import type { Decision } from '../../main/decisions/decide';
import { nextEvent } from '../helpers/wait-for';
import { espresenseId, removeSeededDataDirs, seededDataDir } from '../helpers/store-fixture';
import { createLogger } from '../../main/log/logger';
import { RENDERER_NOT_BUILT } from '../../main/bridge/browser-bridge-server';
import { pino } from 'pino';

let agent: Agent | undefined;
afterEach(async () => {
  await agent?.stop();
  agent = undefined;
  removeSeededDataDirs();
});

async function startBrowserModeAgent(): Promise<Agent> {
  const dataDir = seededDataDir();
  const rendererDir = join(dataDir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>screen</title>');
  writeFileSync(join(dataDir, 'secret.txt'), 'not for the web');
  return startAgent(
    parseAgentConfig({ dataDir, httpPort: 0, embeddedBrokerPort: 0, rendererDir, screens: [{ id: 'entrance', rooms: ['entrance'] }] }),
    { log: createLogger('test', 'silent') },
  );
}

class BridgeClient {
  private nextId = 1;
  readonly frames: BridgeServerFrame[] = [];
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.frames.push(JSON.parse(data.toString()) as BridgeServerFrame));
  }
  static async open(url: string, origin?: string): Promise<BridgeClient> {
    const socket = new WebSocket(url.replace('http', 'ws') + '/bridge', origin ? { origin } : {});
    const client = new BridgeClient(socket);
    await new Promise<void>((done, fail) => {
      socket.once('open', () => done());
      socket.once('error', fail);
    });
    return client;
  }
  request(name: string, args: unknown): Promise<BridgeServerFrame> {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ kind: 'request', id, name, args }));
    return this.response(id);
  }
  response(id: number): Promise<BridgeServerFrame> {
    return new Promise((done) => {
      const check = (): void => {
        const frame = this.frames.find((f) => f.kind === 'response' && f.id === id);
        if (frame) {
          this.socket.off('message', check);
          done(frame);
        }
      };
      this.socket.on('message', check);
      check();
    });
  }
}

describe('browser mode', () => {
  it('answers valid requests and refuses hostile frames without falling over', async () => {
    agent = await startBrowserModeAgent();
    const client = await BridgeClient.open(agent.httpUrl!, agent.httpUrl);

    client.socket.send('this is not json');
    client.socket.send(JSON.stringify({ kind: 'request', id: -1, name: 'agent.status' }));
    client.socket.send(Buffer.from([0, 1, 2]), { binary: true });
    expect(await client.request('drop.tables', {})).toMatchObject({ ok: false, error: expect.stringMatching(/unknown request/) });
    expect(await client.request('__proto__', {})).toMatchObject({ ok: false });
    expect(await client.request('scan.submit', { screenId: 'entrance', code: 'x'.repeat(10_000), source: 'keyboard-wedge' })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/invalid arguments for scan.submit/),
    });
    expect(await client.request('scan.submit', { screenId: 'elsewhere', code: '2001234567893', source: 'keyboard-wedge' })).toMatchObject({
      ok: true,
      result: { status: 'invalid' },
    });

    const settings = await client.request('screen.settings', { screenId: 'entrance' });
    expect(settings).toMatchObject({ ok: true, result: { screenId: 'entrance', playlist: { id: 'default' } } });
    const status = await client.request('agent.status', {});
    expect(status).toMatchObject({ ok: true, result: { profiles: 4 } });
    const rejected = (status as { result: { rejected: Record<string, number> } }).result.rejected;
    expect(rejected['bridge-bad-frame']).toBe(3);
    expect(rejected['bridge-bad-request']).toBe(3);
    client.socket.close();
  });

  it('refuses a WebSocket from a page of another origin', async () => {
    agent = await startBrowserModeAgent();
    const client = await BridgeClient.open(agent.httpUrl!, 'http://evil.example');
    const code = await new Promise<number>((done) => client.socket.once('close', (c) => done(c)));
    expect(code).toBe(1008);
  });

  it('serves the screens with a strict CSP and nothing outside the renderer folder', async () => {
    agent = await startBrowserModeAgent();
    const page = await fetch(`${agent.httpUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<title>screen</title>');
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
      const response = await fetch(`${agent.httpUrl}${path}`);
      expect(response.status).not.toBe(200);
    }
    expect((await fetch(`${agent.httpUrl}/`, { method: 'POST' })).status).toBe(405);
  });

  it('says the screens are not built, on the page and once in the log, when the renderer folder has none', async () => {
    const dataDir = seededDataDir();
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    agent = await startAgent(
      parseAgentConfig({ dataDir, httpPort: 0, embeddedBrokerPort: 0, rendererDir: join(dataDir, 'no-renderer'), screens: [{ id: 'entrance', rooms: ['entrance'] }] }),
      { log },
    );
    const page = await fetch(`${agent.httpUrl}/?view=kiosk`);
    expect(page.status).toBe(404);
    expect(await page.text()).toBe(RENDERER_NOT_BUILT);
    expect(lines.filter((line) => line.includes(RENDERER_NOT_BUILT))).toHaveLength(1);
    // Any other missing file is a plain 404.
    expect(await (await fetch(`${agent.httpUrl}/missing.js`)).text()).toBe('not found');
  });

  it('pushes a greeting to the screen when a customer arrives through the embedded broker', async () => {
    agent = await startBrowserModeAgent();
    expect(agent.status().broker.embedded).toBe(true);
    const client = await BridgeClient.open(agent.httpUrl!, agent.httpUrl);
    const decided = nextEvent<Decision>(agent.onDecision, (d) => d.outcome === 'greet');
    const gateway = await mqtt.connectAsync(agent.brokerUrl);
    for (let i = 0; i < 2; i++) {
      await gateway.publishAsync(`espresense/devices/${espresenseId(1)}/entrance`, JSON.stringify({ id: espresenseId(1), distance: 1 }));
    }
    const decision = await decided;
    await gateway.endAsync();
    const pushed = await new Promise<BridgeServerFrame>((done) => {
      const check = (): void => {
        const frame = client.frames.find((f) => f.kind === 'event' && f.name === 'greeting');
        if (frame) done(frame);
      };
      client.socket.on('message', check);
      check();
    });
    expect(pushed).toMatchObject({ kind: 'event', name: 'greeting', payload: { decisionId: decision.decisionId, firstName: 'Maya', screenId: 'entrance' } });
    expect(await client.request('greeting.shown', { screenId: 'entrance', decisionId: decision.decisionId })).toMatchObject({ ok: true, result: { recorded: true } });
    expect(await client.request('greeting.shown', { screenId: 'entrance', decisionId: decision.decisionId })).toMatchObject({ ok: true, result: { recorded: false } });
    client.socket.close();
  });
});
