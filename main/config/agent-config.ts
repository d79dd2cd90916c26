/**
 * The store agent's settings: a JSON file (path in SOO_CONFIG or --config) over the
 * built-in defaults, then environment overrides. Every field is documented in the README.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { playlistSchema, wedgeSettingsSchema } from '../../protocol/bridge';
import { DEFAULT_PLAYLIST } from '../content/default-playlist';

const screenSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'screen ids are lowercase slugs'),
  name: z.string().default(''),
  /** Gateway rooms (ESPresense room slug, Theengs/OMG gateway name, generic topic room) whose sightings count for this screen. */
  rooms: z.array(z.string().min(1)).min(1),
  /** A public signage display, or the staff kiosk at the till (sees full customer cards). */
  kind: z.enum(['signage', 'kiosk']).default('signage'),
  /** Electron only: which display (index in screen.getAllDisplays()) shows it. */
  display: z.number().int().nonnegative().default(0),
  playlistId: z.string().optional(),
});

const presenceSchema = z.object({
  /** Smoothed distance at or under which a device has entered a screen's zone (m). */
  enterDistance: z.number().positive().default(2.0),
  /** Smoothed distance over which it has left (m); above enterDistance, which gives the hysteresis. */
  leaveDistance: z.number().positive().default(3.5),
  /** Readings in a row under enterDistance before "entered": one noisy reading is not a visit. */
  minReadings: z.number().int().positive().default(2),
  /** No reading from any of the screen's rooms for this long means the device has left (ms). */
  absenceMs: z.number().int().positive().default(15_000),
  /** Continuous presence after which the device is "dwelling" (ms). */
  dwellMs: z.number().int().positive().default(20_000),
  /** Path-loss exponent for gateways that send RSSI but no distance. */
  pathLossExponent: z.number().positive().default(2.5),
  /** Kalman filter noise: process (R) and measurement (Q) variances, in m². */
  processNoise: z.number().positive().default(0.05),
  measurementNoise: z.number().positive().default(1.5),
  /** A store visit ends this long after the person was last near any screen (ms). */
  visitGapMs: z.number().int().positive().default(30 * 60_000),
});

const ingestionSchema = z.object({
  espresensePrefix: z.string().default('espresense'),
  /** OpenMQTTGateway and Theengs Gateway: <prefix>/<gateway>/BTtoMQTT/<id>. */
  theengsPrefix: z.string().default('home'),
  /** The generic (Home Assistant mqtt_room style) format: <prefix>/<room>. */
  genericPrefix: z.string().default('store/presence'),
  /** Scans published by networked scanners: <prefix>/<screenId>. */
  scanPrefix: z.string().default('store/scan'),
  maxPayloadBytes: z.number().int().positive().default(4096),
});

const syncSchema = z.object({
  /** Head office's sync server, e.g. https://sync.example.com. */
  serverUrl: z.url(),
  /** The one-time code from the admin; used once, on first start, to get this device's own credential. */
  pairingCode: z.string().optional(),
  deviceName: z.string().max(80).optional(),
  /** Events per upload batch, and changes per pull. */
  uploadBatch: z.number().int().positive().max(1000).default(500),
  pullBatch: z.number().int().positive().max(5000).default(5000),
  /** How often each synced collection's checksum is compared with head office's (ms). */
  checksumEveryMs: z.number().int().positive().default(60 * 60_000),
  /**
   * On a first sync, take head office's store file when it has one (the store's data in one
   * download, seconds for a million profiles) rather than pulling every change. Off for a
   * device short of disk: the file needs room for itself and its copy.
   */
  storeFile: z.boolean().default(true),
});

export const agentConfigSchema = z.object({
  storeId: z.string().min(1).default('demo-store'),
  deviceId: z.string().min(1).default('demo-device'),
  /** Where the SQLite file and logs live. */
  dataDir: z.string().default('./data'),
  /** The store's MQTT broker; when absent the agent embeds one. */
  brokerUrl: z.string().optional(),
  brokerUsername: z.string().optional(),
  brokerPassword: z.string().optional(),
  /** Port of the embedded broker (when brokerUrl is absent). 0 picks a free one. */
  embeddedBrokerPort: z.number().int().nonnegative().default(1883),
  /** The embedded broker's address; 0.0.0.0 lets the store LAN's gateways reach it. */
  embeddedBrokerHost: z.string().default('127.0.0.1'),
  /** Head office sync; absent means this store runs on its own (imports only). */
  sync: syncSchema.optional(),
  /** Browser mode: the agent serves the screens on 127.0.0.1 at this port (0 picks one, absent turns it off). */
  httpPort: z.number().int().nonnegative().optional(),
  /** Folder of the built renderer (electron-vite's out/renderer). */
  rendererDir: z.string().default('out/renderer'),
  screens: z
    .array(screenSchema)
    .min(1)
    .refine((screens) => new Set(screens.map((s) => s.id)).size === screens.length, 'screen ids must be unique'),
  presence: presenceSchema.default(presenceSchema.parse({})),
  ingestion: ingestionSchema.default(ingestionSchema.parse({})),
  /** Rules file (JSON); absent means the shipped default rule set. */
  rulesFile: z.string().optional(),
  greetingDurationMs: z.number().int().positive().default(8000),
  scanner: wedgeSettingsSchema.default({ minLength: 6, maxAverageGapMs: 35, silenceMs: 80, prefix: '' }),
  playlists: z.array(playlistSchema).default([DEFAULT_PLAYLIST]),
  /** ISO 4217 currency of the store's prices. */
  currency: z.string().length(3).default('GBP'),
  /** Product catalogue file (JSON array of products); absent means the shipped default. */
  catalogueFile: z.string().optional(),
  /** IANA time zone for birthdays, quiet hours and time-of-day facts. */
  timeZone: z
    .string()
    .default(Intl.DateTimeFormat().resolvedOptions().timeZone)
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'an IANA time zone such as Europe/London'),
});

export type AgentConfig = z.infer<typeof agentConfigSchema>;
export type AgentConfigInput = z.input<typeof agentConfigSchema>;
export type ScreenConfig = AgentConfig['screens'][number];
export type PresenceConfig = AgentConfig['presence'];
export type IngestionConfig = AgentConfig['ingestion'];
export type SyncConfig = NonNullable<AgentConfig['sync']>;

export const DEFAULT_SCREENS: AgentConfigInput['screens'] = [
  { id: 'entrance', name: 'Entrance screen', rooms: ['entrance'] },
  { id: 'counter', name: 'Counter screen', rooms: ['front-counter', 'counter'] },
  { id: 'till', name: 'Counter kiosk', kind: 'kiosk', rooms: ['front-counter', 'counter'] },
];

/** Environment variables that override the file, for containers and service managers. */
const ENV_OVERRIDES: Record<string, (c: Record<string, unknown>, v: string) => void> = {
  SOO_STORE_ID: (c, v) => (c.storeId = v),
  SOO_DEVICE_ID: (c, v) => (c.deviceId = v),
  SOO_DATA_DIR: (c, v) => (c.dataDir = v),
  SOO_BROKER_URL: (c, v) => (c.brokerUrl = v),
  SOO_BROKER_USERNAME: (c, v) => (c.brokerUsername = v),
  SOO_BROKER_PASSWORD: (c, v) => (c.brokerPassword = v),
  SOO_EMBEDDED_BROKER_PORT: (c, v) => (c.embeddedBrokerPort = Number(v)),
  SOO_EMBEDDED_BROKER_HOST: (c, v) => (c.embeddedBrokerHost = v),
  SOO_HTTP_PORT: (c, v) => (c.httpPort = Number(v)),
  SOO_RENDERER_DIR: (c, v) => (c.rendererDir = v),
  SOO_RULES_FILE: (c, v) => (c.rulesFile = v),
  SOO_TIME_ZONE: (c, v) => (c.timeZone = v),
  SOO_SYNC_URL: (c, v) => (c.sync = { ...(c.sync as object), serverUrl: v }),
  SOO_PAIRING_CODE: (c, v) => (c.sync = { ...(c.sync as object), pairingCode: v }),
};

export class ConfigError extends Error {}

export function parseAgentConfig(input: unknown): AgentConfig {
  const result = agentConfigSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(`invalid agent config: ${z.prettifyError(result.error)}`);
  }
  const config = result.data;
  if (config.presence.leaveDistance <= config.presence.enterDistance) {
    throw new ConfigError('invalid agent config: presence.leaveDistance must be greater than enterDistance');
  }
  return config;
}

export function loadAgentConfig(path: string | undefined, env: NodeJS.ProcessEnv = process.env): AgentConfig {
  let fromFile: Record<string, unknown> = {};
  if (path) {
    try {
      fromFile = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError(`cannot read config file ${path}: ${(error as Error).message}`);
    }
  }
  const merged: Record<string, unknown> = { screens: DEFAULT_SCREENS, ...fromFile };
  for (const [name, apply] of Object.entries(ENV_OVERRIDES)) {
    const value = env[name];
    if (value !== undefined && value !== '') apply(merged, value);
  }
  return parseAgentConfig(merged);
}
