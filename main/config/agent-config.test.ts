import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DEFAULT_SCREENS, loadAgentConfig, parseAgentConfig } from './agent-config';

const SCREENS = [{ id: 'entrance', rooms: ['entrance'] }];

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('parseAgentConfig', () => {
  it('refuses an unknown time zone and duplicate screen ids at load, not later', () => {
    expect(() => parseAgentConfig({ screens: SCREENS, timeZone: 'Mars/Olympus' })).toThrow(/IANA time zone/);
    expect(() => parseAgentConfig({ screens: [{ id: 'a', rooms: ['x'] }, { id: 'a', rooms: ['y'] }] })).toThrow(/unique/);
  });

  it('fills the documented defaults', () => {
    const config = parseAgentConfig({ screens: SCREENS });
    expect(config).toMatchObject({
      storeId: 'demo-store',
      deviceId: 'demo-device',
      dataDir: './data',
      embeddedBrokerPort: 1883,
      embeddedBrokerHost: '127.0.0.1',
      rendererDir: 'out/renderer',
      greetingDurationMs: 8000,
      scanner: { minLength: 6, maxAverageGapMs: 35, silenceMs: 80, prefix: '' },
      presence: {
        enterDistance: 2,
        leaveDistance: 3.5,
        minReadings: 2,
        absenceMs: 15_000,
        dwellMs: 20_000,
        pathLossExponent: 2.5,
        processNoise: 0.05,
        measurementNoise: 1.5,
        visitGapMs: 1_800_000,
      },
      ingestion: {
        espresensePrefix: 'espresense',
        theengsPrefix: 'home',
        genericPrefix: 'store/presence',
        scanPrefix: 'store/scan',
        maxPayloadBytes: 4096,
      },
    });
    expect(config.screens).toEqual([{ id: 'entrance', name: '', kind: 'signage', rooms: ['entrance'], display: 0 }]);
    expect(config.brokerUrl).toBeUndefined();
    expect(config.httpPort).toBeUndefined();
    expect(config.playlists).toHaveLength(1);
    expect(typeof config.timeZone).toBe('string');
  });

  it('a partial presence block keeps the other defaults', () => {
    const config = parseAgentConfig({ screens: SCREENS, presence: { enterDistance: 1.5 } });
    expect(config.presence).toMatchObject({ enterDistance: 1.5, leaveDistance: 3.5, minReadings: 2 });
  });

  it.each([
    [{ enterDistance: 3, leaveDistance: 3 }],
    [{ enterDistance: 3, leaveDistance: 2 }],
    [{ enterDistance: 4 }],
  ])('leaveDistance ≤ enterDistance is a ConfigError: %j', (presence) => {
    const error = configError(() => parseAgentConfig({ screens: SCREENS, presence }));
    expect(error.message).toBe('invalid agent config: presence.leaveDistance must be greater than enterDistance');
  });

  it.each([
    ['no screens', {}],
    ['an empty screen list', { screens: [] }],
    ['a screen id that is not a slug', { screens: [{ id: 'Front Door', rooms: ['x'] }] }],
    ['a screen without rooms', { screens: [{ id: 'a', rooms: [] }] }],
    ['a negative distance', { screens: SCREENS, presence: { enterDistance: -1 } }],
    ['a fractional minReadings', { screens: SCREENS, presence: { minReadings: 1.5 } }],
  ])('%s is a ConfigError', (_name, input) => {
    expect(configError(() => parseAgentConfig(input)).message).toMatch(/^invalid agent config: /);
  });
});

describe('loadAgentConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'soo-config-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('without a file: the default screens and defaults', () => {
    const config = loadAgentConfig(undefined, {});
    expect(config.screens.map((s) => s.id)).toEqual(DEFAULT_SCREENS.map((s) => s.id));
    expect(config.screens[1]).toMatchObject({ id: 'counter', rooms: ['front-counter', 'counter'] });
    expect(config.storeId).toBe('demo-store');
  });

  it('reads the file over the defaults, then applies environment overrides', () => {
    const file = join(dir, 'agent.json');
    writeFileSync(file, JSON.stringify({ storeId: 'from-file', deviceId: 'dev-file', httpPort: 1234, screens: SCREENS }));
    const fromFile = loadAgentConfig(file, {});
    expect(fromFile).toMatchObject({ storeId: 'from-file', deviceId: 'dev-file', httpPort: 1234 });
    expect(fromFile.screens.map((s) => s.id)).toEqual(['entrance']);

    const overridden = loadAgentConfig(file, {
      SOO_STORE_ID: 'store-42',
      SOO_HTTP_PORT: '8080',
      SOO_TIME_ZONE: 'Pacific/Auckland',
      SOO_BROKER_URL: 'mqtt://broker.local:1883',
      SOO_EMBEDDED_BROKER_PORT: '0',
      SOO_DEVICE_ID: '',
    });
    expect(overridden).toMatchObject({
      storeId: 'store-42',
      httpPort: 8080,
      timeZone: 'Pacific/Auckland',
      brokerUrl: 'mqtt://broker.local:1883',
      embeddedBrokerPort: 0,
      deviceId: 'dev-file', // an empty variable is no override
    });
  });

  it('environment overrides apply without a file too', () => {
    expect(loadAgentConfig(undefined, { SOO_STORE_ID: 's-1', SOO_HTTP_PORT: '0' })).toMatchObject({ storeId: 's-1', httpPort: 0 });
  });

  it('a non-numeric SOO_HTTP_PORT is a ConfigError', () => {
    expect(configError(() => loadAgentConfig(undefined, { SOO_HTTP_PORT: 'eighty' })).message).toMatch(/httpPort/);
  });

  it('a missing file is a ConfigError naming the path', () => {
    const missing = join(dir, 'nope', 'agent.json');
    const error = configError(() => loadAgentConfig(missing, {}));
    expect(error.message).toContain(`cannot read config file ${missing}`);
    expect(error.message).toMatch(/ENOENT/);
  });

  it('a file that is not JSON is a ConfigError naming the path', () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{ "storeId": ');
    expect(configError(() => loadAgentConfig(file, {})).message).toContain(`cannot read config file ${file}`);
  });

  it('a file with an invalid value is a ConfigError', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ presence: { enterDistance: 5, leaveDistance: 4 } }));
    expect(configError(() => loadAgentConfig(file, {})).message).toMatch(/leaveDistance must be greater/);
  });
});
