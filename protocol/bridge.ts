/**
 * The one typed map between the screens (renderer) and the store agent.
 *
 * Both transports satisfy it: the Electron preload (IPC through the main process to the
 * agent's utility process) and the browser-mode WebSocket bridge that the headless agent
 * serves. A renderer is untrusted input to the agent, so every request's arguments have
 * a schema that the agent checks before acting.
 */
import { z } from 'zod';
import { kioskRequestArgSchemas, type KioskEvents, type KioskRequestResults } from './kiosk';

export const slideSchema = z.discriminatedUnion('kind', [
  z.object({
    id: z.string(),
    kind: z.literal('text'),
    title: z.string(),
    body: z.string().optional(),
    /** CSS colour of the slide's background. */
    background: z.string().optional(),
    durationMs: z.number().int().positive(),
  }),
  z.object({
    id: z.string(),
    kind: z.literal('image'),
    /** Path below the renderer's origin, e.g. "content/coffee.svg". */
    src: z.string(),
    caption: z.string().optional(),
    durationMs: z.number().int().positive(),
  }),
]);
export type Slide = z.infer<typeof slideSchema>;

export const playlistSchema = z.object({ id: z.string(), slides: z.array(slideSchema).min(1) });
export type Playlist = z.infer<typeof playlistSchema>;

/** How the screen tells a keyboard-wedge scanner's burst from a person typing. */
export const wedgeSettingsSchema = z.object({
  minLength: z.number().int().positive(),
  /** Longest average gap between keys of one burst, in ms. */
  maxAverageGapMs: z.number().positive(),
  /** Silence after which a burst without an end key is complete, in ms. */
  silenceMs: z.number().positive(),
  prefix: z.string(),
});
export type WedgeSettings = z.infer<typeof wedgeSettingsSchema>;

export const screenSettingsSchema = z.object({
  screenId: z.string(),
  name: z.string(),
  /** A public signage display, or the staff kiosk at the till. */
  kind: z.enum(['signage', 'kiosk']),
  /** ISO 4217, for the kiosk's prices. */
  currency: z.string().length(3),
  /** How long one person's greeting stays up before the next, or the loop, resumes. */
  greetingDurationMs: z.number().int().positive(),
  playlist: playlistSchema,
  scanner: wedgeSettingsSchema,
});
export type ScreenSettings = z.infer<typeof screenSettingsSchema>;

/** One person's greeting on a public screen: first name only, never more. */
export const greetingSchema = z.object({
  decisionId: z.string(),
  screenId: z.string(),
  ruleId: z.string(),
  firstName: z.string(),
  text: z.string(),
  decidedAt: z.string(),
});
export type Greeting = z.infer<typeof greetingSchema>;

export const agentStatusSchema = z.object({
  storeId: z.string(),
  deviceId: z.string(),
  startedAt: z.string(),
  broker: z.object({ url: z.string(), connected: z.boolean(), embedded: z.boolean(), messagesReceived: z.number().int() }),
  profiles: z.number().int(),
  outboxPending: z.number().int(),
  /** Head-office link; `state` 'not-configured' for a store running on its own. */
  sync: z.object({
    state: z.enum(['not-configured', 'pairing', 'connecting', 'online', 'offline', 'revoked', 'unpaired']),
    lastSyncAt: z.string().nullable(),
    cursor: z.number().int(),
    /** Changes still to download (first sync progress). */
    remaining: z.number().int(),
    lastError: z.string().nullable(),
  }),
  rejected: z.record(z.string(), z.number().int()),
});
export type AgentStatus = z.infer<typeof agentStatusSchema>;

export const scanOutcomeSchema = z.discriminatedUnion('status', [
  /** profileId is told to kiosk screens only: a public screen never learns who it was. */
  z.object({ status: z.literal('recognised'), decided: z.boolean(), profileId: z.string().optional() }),
  z.object({ status: z.literal('unknown') }),
  z.object({ status: z.literal('invalid'), reason: z.string() }),
]);
export type ScanOutcome = z.infer<typeof scanOutcomeSchema>;

const screenId = z.string().min(1).max(64);

/** Requests: name → schema of the arguments, and the type of the result. */
export const requestArgSchemas = {
  'screen.settings': z.object({ screenId }),
  'scan.submit': z.object({
    screenId,
    code: z.string().min(1).max(512),
    source: z.enum(['keyboard-wedge', 'camera']),
  }),
  'greeting.shown': z.object({ screenId, decisionId: z.string().min(1).max(64) }),
  'agent.status': z.object({}),
  /** The pairing code typed on the device's own screen (status view) when none was configured. */
  'sync.pair': z.object({ code: z.string().trim().toUpperCase().regex(/^[A-Z0-9]{8}$/, 'a pairing code is 8 letters and digits') }),
  ...kioskRequestArgSchemas,
} as const;

export interface AgentRequestResults extends KioskRequestResults {
  'screen.settings': ScreenSettings;
  'scan.submit': ScanOutcome;
  'greeting.shown': { recorded: boolean };
  'agent.status': AgentStatus;
  'sync.pair': { state: AgentStatus['sync']['state'] };
}

export type AgentRequestName = keyof typeof requestArgSchemas;
export type AgentRequestArgs<K extends AgentRequestName> = z.infer<(typeof requestArgSchemas)[K]>;
export type AgentRequestResult<K extends AgentRequestName> = AgentRequestResults[K];

/** Events the agent pushes to every screen; a screen keeps those addressed to it. */
export interface AgentEvents extends KioskEvents {
  greeting: Greeting;
  status: AgentStatus;
}
export type AgentEventName = keyof AgentEvents;

/** What a screen holds: the same shape in Electron and in browser mode. */
export interface AgentBridge {
  request<K extends AgentRequestName>(name: K, args: AgentRequestArgs<K>): Promise<AgentRequestResult<K>>;
  on<K extends AgentEventName>(name: K, listener: (payload: AgentEvents[K]) => void): () => void;
}

/** What serves that map inside the agent, whatever the transport. */
export interface AgentBridgeHost {
  handle(name: string, args: unknown): Promise<unknown>;
  onEvent(listener: <K extends AgentEventName>(name: K, payload: AgentEvents[K]) => void): () => void;
}

/** Browser-mode WebSocket frames (JSON). */
export const bridgeClientFrameSchema = z.object({
  kind: z.literal('request'),
  id: z.number().int().nonnegative(),
  name: z.string().max(64),
  args: z.unknown(),
});
export type BridgeClientFrame = z.infer<typeof bridgeClientFrameSchema>;

export type BridgeServerFrame =
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: string }
  | { kind: 'event'; name: AgentEventName; payload: unknown };

export const BRIDGE_WEBSOCKET_PATH = '/bridge';
