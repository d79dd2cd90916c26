/**
 * The store agent against a real Mosquitto: gateway messages in, presence facts,
 * decisions and outbox rows out; a broker restart mid-stream is survived.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import Database from 'better-sqlite3';
import { startAgent, type Agent } from '../../main/agent';
import { parseAgentConfig } from '../../main/config/agent-config';
import { trackEventSchema } from '../../protocol/events';
import { createLogger } from '../../main/log/logger';
import type { Decision } from '../../main/decisions/decide';
import type { PresenceFact } from '../../main/presence/presence-tracker';
import { startMosquitto, type TestBroker } from '../helpers/mosquitto';
import { nextEvent, until } from '../helpers/wait-for';
import { canonicalBeacon, espresenseId, removeSeededDataDirs, seededDataDir, UUID } from '../helpers/store-fixture';

let broker: TestBroker;
let publisher: MqttClient;
let agent: Agent | undefined;

beforeAll(async () => {
  broker = await startMosquitto();
});
afterAll(async () => {
  await broker.stop();
});
afterEach(async () => {
  await publisher?.endAsync(true);
  await agent?.stop();
  agent = undefined;
  removeSeededDataDirs();
});

async function startTestAgent(): Promise<Agent> {
  const config = parseAgentConfig({
    dataDir: seededDataDir(),
    brokerUrl: broker.url,
    screens: [
      { id: 'entrance', rooms: ['entrance'] },
      { id: 'counter', rooms: ['front-counter'] },
    ],
    presence: { absenceMs: 2_000, dwellMs: 60_000 },
  });
  const started = await startAgent(config, { tickMs: 100, log: createLogger('test', 'silent') });
  await until(() => started.status().broker.connected, 'agent connected to broker');
  publisher = await mqtt.connectAsync(broker.url);
  return started;
}

const espresense = (minor: number, room: string, distance: number) =>
  publisher.publishAsync(
    `espresense/devices/${espresenseId(minor)}/${room}`,
    JSON.stringify({ mac: 'dd8800003777', id: espresenseId(minor), 'rssi@1m': -59, rssi: -65, rxAdj: 0, rssiVar: 2, distance, var: 0.3, int: 1020 }),
  );

function outboxRows(file: string): Array<{ event: string; payload: string }> {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare<[], { event: string; payload: string }>('SELECT event, payload FROM outbox ORDER BY seq').all();
  } finally {
    db.close();
  }
}

describe('store agent with a real broker', () => {
  it('greets a lapsed customer seen by an ESPresense node, and records the visit in the outbox', async () => {
    agent = await startTestAgent();
    const decided = nextEvent<Decision>(agent.onDecision, (d) => d.profileId === 'p-lapsed', 10_000, 'decision');
    const entered = nextEvent<PresenceFact>(agent.onPresence, (f) => f.kind === 'entered', 10_000, 'entered');
    await espresense(1, 'entrance', 1.3);
    await espresense(1, 'entrance', 1.1);
    const fact = await entered;
    expect(fact).toMatchObject({ beaconId: canonicalBeacon(1), screenId: 'entrance' });
    const decision = await decided;
    expect(decision).toMatchObject({ outcome: 'greet', ruleId: 'welcome-back-lapsed', screenId: 'entrance', firstName: 'Maya' });
    expect(decision.text).toBe('Welcome back, Maya! We missed you for 40 days.');

    const rows = outboxRows(agent.databaseFile);
    expect(rows.map((r) => r.event)).toEqual(['Zone Entered', 'Customer Recognized', 'Greeting Decided']);
    for (const row of rows) expect(trackEventSchema.safeParse(JSON.parse(row.payload)).success).toBe(true);
    expect(new Set(rows.map((r) => JSON.parse(r.payload).messageId)).size).toBe(3);
  });

  it('shows nothing personal to a customer who did not consent, and says why', async () => {
    agent = await startTestAgent();
    const decided = nextEvent<Decision>(agent.onDecision, (d) => d.profileId === 'p-private');
    await espresense(2, 'entrance', 1.0);
    await espresense(2, 'entrance', 1.0);
    const decision = await decided;
    expect(decision.outcome).toBe('none');
    expect(decision.reason).toMatch(/consent/);
    expect(decision.text).toBeUndefined();
  });

  it('does not trigger a screen from a gateway in a room that is not mapped to it', async () => {
    agent = await startTestAgent();
    const facts: PresenceFact[] = [];
    agent.onPresence((f) => facts.push(f));
    // Far gateway: "stockroom" belongs to no screen. Then a mapped room, so we know messages flowed.
    for (let i = 0; i < 5; i++) await espresense(3, 'stockroom', 0.8);
    const counter = nextEvent<PresenceFact>(agent.onPresence, (f) => f.screenId === 'counter');
    await espresense(3, 'front-counter', 1.0);
    await espresense(3, 'front-counter', 1.0);
    await counter;
    expect(facts.map((f) => f.screenId)).toEqual(['counter']);
  });

  it('reads Theengs Gateway iBeacon messages as the same person as ESPresense ones', async () => {
    agent = await startTestAgent();
    const decided = nextEvent<Decision>(agent.onDecision, (d) => d.profileId === 'p-regular');
    const theengs = (rssi: number) =>
      publisher.publishAsync(
        'home/front-counter/BTtoMQTT/C3A1F0B2D4E5',
        JSON.stringify({ id: 'C3:A1:F0:B2:D4:E5', rssi, brand: 'GENERIC', model: 'iBeacon', model_id: 'IBEACON', mfid: '4c00', uuid: UUID.replace(/-/g, '').toUpperCase(), major: 7, minor: 3, txpower: -59 }),
      );
    await theengs(-60);
    await theengs(-61);
    const decision = await decided;
    expect(decision).toMatchObject({ outcome: 'greet', ruleId: 'regular', screenId: 'counter' });
  });

  it('counts malformed, oversized and unknown payloads without losing the good message behind them', async () => {
    agent = await startTestAgent();
    const decided = nextEvent<Decision>(agent.onDecision, (d) => d.profileId === 'p-lapsed');
    await publisher.publishAsync(`espresense/devices/${espresenseId(1)}/entrance`, 'not json {');
    await publisher.publishAsync(`espresense/devices/${espresenseId(1)}/entrance`, JSON.stringify({ id: espresenseId(1), distance: 'near' }));
    await publisher.publishAsync(`espresense/devices/${espresenseId(1)}/entrance`, Buffer.alloc(10_000, 0x7b));
    await publisher.publishAsync('store/presence/entrance', JSON.stringify({ distance: 1 }));
    await espresense(1, 'entrance', 1.0);
    await espresense(1, 'entrance', 1.0);
    await decided;
    const rejected = agent.status().rejected;
    expect(rejected['mqtt-not-json']).toBe(1);
    expect(rejected['mqtt-oversized']).toBe(1);
    expect((rejected['mqtt-invalid-fields'] ?? 0) + (rejected['mqtt-unknown-id'] ?? 0)).toBe(2);
  });

  it('greets a customer whose card arrives on the MQTT scan topic, once for a double scan', async () => {
    agent = await startTestAgent();
    const decisions: Decision[] = [];
    agent.onDecision((d) => decisions.push(d));
    const decided = nextEvent<Decision>(agent.onDecision, (d) => d.profileId === 'p-scanned');
    await publisher.publishAsync('store/scan/counter', JSON.stringify({ code: '2009876543213', symbology: 'ean13' }));
    await publisher.publishAsync('store/scan/counter', '2009876543213');
    // A misread (wrong check digit) is not a new customer.
    await publisher.publishAsync('store/scan/counter', '2009876543210');
    const decision = await decided;
    expect(decision).toMatchObject({ outcome: 'greet', screenId: 'counter', firstName: 'Sofia' });
    await until(() => agent!.status().rejected['scan-invalid'] === 1, 'misread counted');
    expect(decisions.filter((d) => d.profileId === 'p-scanned')).toHaveLength(1);
  });

  it('survives a broker restart mid-stream and keeps recognising', async () => {
    agent = await startTestAgent();
    const first = nextEvent<Decision>(agent.onDecision, (d) => d.profileId === 'p-lapsed');
    await espresense(1, 'entrance', 1.0);
    await espresense(1, 'entrance', 1.0);
    await first;

    await publisher.endAsync(true);
    await broker.stop();
    await until(() => !agent!.status().broker.connected, 'agent noticed the broker went away');
    await broker.restart();
    await until(() => agent!.status().broker.connected, 'agent reconnected', 20_000);
    publisher = await mqtt.connectAsync(broker.url);

    const second = nextEvent<Decision>(agent.onDecision, (d) => d.profileId === 'p-regular');
    await espresense(3, 'front-counter', 1.0);
    await espresense(3, 'front-counter', 1.0);
    expect((await second).outcome).toBe('greet');
  });

  it('reports "left" with the dwell time when readings stop', async () => {
    agent = await startTestAgent();
    const left = nextEvent<PresenceFact>(agent.onPresence, (f) => f.kind === 'left', 10_000, 'left');
    await espresense(1, 'entrance', 1.0);
    await espresense(1, 'entrance', 1.0);
    const fact = await left;
    expect(fact.screenId).toBe('entrance');
    const rows = outboxRows(agent.databaseFile).map((r) => r.event);
    expect(rows).toContain('Zone Left');
  });
});
