/**
 * The store agent: composes ingestion, presence, the local store, decisions and the
 * outbox. Imports nothing from Electron, so the same core runs headless under Node and
 * inside Electron's utility process.
 *
 *   MQTT (gateways, scanners) ─▶ parse ─▶ presence tracker ─▶ recognizer ─▶ decider
 *   screen (bridge: scans) ────────────────────────────────▶ recognizer     │
 *                                   outbox + ledger + visits (one transaction) ◀┘
 *                                   then: greeting event ─▶ screens
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentBridgeHost, AgentStatus, ScanOutcome } from '../protocol/bridge';
import packageJson from '../package.json';
import type { AgentConfig } from './config/agent-config';
import { openDatabase, type Db } from './store/database';
import { ProfileStore } from './store/profile-store';
import { VisitStore } from './store/visit-store';
import { Outbox } from './outbox/outbox';
import { GreetingLedger } from './decisions/greeting-ledger';
import { Decider, type Decision } from './decisions/decide';
import { StoreClock } from './decisions/local-time';
import { compileRuleSet } from './decisions/rule-set';
import defaultRules from './decisions/default-rules.json';
import { PresenceTracker, type PresenceFact } from './presence/presence-tracker';
import { Recognizer } from './recognition/recognizer';
import { ScanDebouncer } from './recognition/scan-debouncer';
import { identifyScanCode } from './ingestion/loyalty-code';
import { startEmbeddedBroker, type EmbeddedBroker } from './ingestion/embedded-broker';
import { MqttIngestion } from './ingestion/mqtt-ingestion';
import { BridgeHost } from './bridge/bridge-host';
import { startBrowserBridgeServer, type BrowserBridgeServer } from './bridge/browser-bridge-server';
import { createLogger, RejectionCounter, type Logger } from './log/logger';
import { Catalogue, readCatalogueFile } from './catalogue/catalogue';
import { PurchaseStore } from './orders/purchase-store';
import { CounterPresence } from './kiosk/counter-presence';
import { KioskService, KioskRequestError, presentPerson } from './kiosk/kiosk-service';
import { ProfileSearch } from './kiosk/profile-search';
import { ChangeApplier } from './sync/change-applier';
import { SyncClient } from './sync/sync-client';
import { WorkerPageChecker } from './sync/page-checker';
import { readCredential } from './sync/device-credential';
import { loadSyncedDocuments } from './sync/synced-documents';
import { WalCheckpointer } from './store/wal-checkpoint';

export interface Agent {
  readonly config: AgentConfig;
  /** The typed request/event map that screens talk to, whatever the transport. */
  readonly bridge: AgentBridgeHost;
  /** Browser mode: where the screens are served (http://127.0.0.1:port), when httpPort is set. */
  readonly httpUrl: string | undefined;
  /** The broker the agent listens to (the embedded one when none is configured). */
  readonly brokerUrl: string;
  readonly databaseFile: string;
  status(): AgentStatus;
  /** True once the agent listens to the gateways; false if the broker is not there within `timeoutMs` (it keeps trying). */
  whenListening(timeoutMs: number): Promise<boolean>;
  onDecision(listener: (decision: Decision) => void): () => void;
  onPresence(listener: (fact: PresenceFact) => void): () => void;
  stop(): Promise<void>;
}

export interface StartAgentOptions {
  log?: Logger;
  /** How often absence and dwell timeouts are checked (ms). */
  tickMs?: number;
  /**
   * The sync page worker's entry (main/sync/page-check-worker), as the entry point that
   * started the agent finds it: a .ts file from source, a .js file when built. Without it,
   * pages are checked on the agent's own thread.
   */
  pageCheckWorker?: URL;
  /**
   * The WAL checkpoint worker's entry (main/store/wal-checkpoint-worker), found the same
   * way. Without it, a store file's pages are written home on the agent's own thread.
   */
  walCheckpointWorker?: URL;
}

/** How long a stopping agent waits for a background checkpoint (Electron allows the agent 10 s in all). */
const CHECKPOINT_STOP_WAIT_MS = 3_000;

function loadRules(config: AgentConfig): ReturnType<typeof compileRuleSet> {
  if (!config.rulesFile) return compileRuleSet(defaultRules);
  return compileRuleSet(JSON.parse(readFileSync(config.rulesFile, 'utf8')));
}

export async function startAgent(config: AgentConfig, options: StartAgentOptions = {}): Promise<Agent> {
  const log = options.log ?? createLogger('store-agent');
  const rejections = new RejectionCounter(log);
  const rules = loadRules(config);
  const databaseFile = join(config.dataDir, 'store.db');
  const db: Db = openDatabase(databaseFile);
  const checkpointer = options.walCheckpointWorker ? new WalCheckpointer(db, options.walCheckpointWorker, log) : undefined;
  // Left big by a stop or a crash before the worker was done: its copy, not the first commit's.
  checkpointer?.startIfLarge();
  const profiles = new ProfileStore(db);
  const visits = new VisitStore(db);
  const ledger = new GreetingLedger(db);
  const outbox = new Outbox(db, {
    store: { id: config.storeId },
    device: { id: config.deviceId, type: 'store-agent' },
    app: { name: packageJson.name, version: packageJson.version },
  });
  const clock = new StoreClock(config.timeZone);
  const decider = new Decider(rules, ledger, clock);
  const catalogue = new Catalogue(db);
  if (config.catalogueFile) catalogue.replace(readCatalogueFile(config.catalogueFile));
  else catalogue.seedIfEmpty(readCatalogueFile(undefined));
  const purchases = new PurchaseStore(db, clock);
  const search = new ProfileSearch(db);
  const decisionListeners = new Set<(decision: Decision) => void>();
  const presenceListeners = new Set<(fact: PresenceFact) => void>();
  const screens = new Map(config.screens.map((screen) => [screen.id, screen]));
  const playlists = new Map(config.playlists.map((playlist) => [playlist.id, playlist]));
  const startedAt = new Date().toISOString();

  let brokerConnected = (): boolean => false;
  let messagesReceived = (): number => 0;
  const status = (): AgentStatus => ({
    storeId: config.storeId,
    deviceId: config.deviceId,
    startedAt,
    broker: { url: brokerUrl, connected: brokerConnected(), embedded: broker !== undefined, messagesReceived: messagesReceived() },
    profiles: profiles.countProfiles(),
    outboxPending: outbox.pending(),
    rejected: { ...rejections.counts },
    sync: sync?.status() ?? { state: 'not-configured', lastSyncAt: null, cursor: 0, remaining: 0, lastError: null },
  });

  const isKiosk = (screenId: string): boolean => screens.get(screenId)?.kind === 'kiosk';
  /** Customer cards are for staff: a public screen asking for one is refused. */
  const kioskScreen = (screenId: string): string => {
    if (!isKiosk(screenId)) throw new KioskRequestError(`"${screenId}" is not a staff kiosk of this store`);
    return screenId;
  };
  const counter = new CounterPresence((screenId, customers) => bridge.emit('kiosk.present', { screenId, customers }));
  const kiosk = new KioskService({ db, profiles, purchases, catalogue, outbox, rules, clock, presence: counter, currency: config.currency, visitGapMs: config.presence.visitGapMs });
  // What head office sent last time wins over the shipped defaults, also while offline.
  const synced = loadSyncedDocuments(db, log);
  for (const playlist of synced.playlists) playlists.set(playlist.id, playlist);
  if (synced.rules) {
    decider.setRules(synced.rules);
    kiosk.setRules(synced.rules);
  }
  if (synced.catalogue) catalogue.replace(synced.catalogue);
  // A paired device is known at head office by the ids it got at pairing.
  const credential = readCredential(db);
  if (credential) outbox.setIdentity(credential.storeId, credential.deviceId);

  const recognizer: Recognizer = new Recognizer({
    db, profiles, visits, outbox, decider, ledger,
    visitGapMs: config.presence.visitGapMs,
    isPublicScreen: (screenId) => !isKiosk(screenId),
    onGreeting: (greeting) => bridge.emit('greeting', greeting),
    onDecision: (decision) => {
      for (const listener of decisionListeners) listener(decision);
    },
  });
  const scans = new ScanDebouncer(5_000);

  const handlePresence = (facts: PresenceFact[]): void => {
    for (const fact of facts) {
      recognizer.onPresence(fact);
      if (isKiosk(fact.screenId) && fact.kind !== 'dwelling') {
        const profile = profiles.findByIdentifier('beacon', fact.beaconId);
        const key = profile?.id ?? fact.beaconId;
        if (fact.kind === 'left') counter.left(fact.screenId, key);
        else counter.arrived(fact.screenId, profile ? presentPerson(profile) : { key, profileId: null, displayName: null, tier: null, beaconId: fact.beaconId }, 'beacon', fact.at);
      }
      for (const listener of presenceListeners) listener(fact);
    }
  };

  const handleScan = (screenId: string, code: string, at: Date): ScanOutcome => {
    if (!screens.has(screenId)) {
      rejections.reject('scan-unknown-screen', { screenId: screenId.slice(0, 64) });
      return { status: 'invalid', reason: `no screen "${screenId}" in this store` };
    }
    const identified = identifyScanCode(code);
    if (!identified.ok) {
      rejections.reject('scan-invalid', { screenId, reason: identified.reason });
      return { status: 'invalid', reason: identified.reason };
    }
    // A double scan (the customer holds the card under the reader) is one recognition.
    return scans.once(`${screenId}\u0000${identified.identifier.kind}\u0000${identified.identifier.value}`, at.getTime(), () => {
      const outcome = recognizer.onIdentified(screenId, identified.identifier, at);
      if (outcome.status === 'recognised' && outcome.profileId) {
        const profile = profiles.findById(outcome.profileId);
        if (profile) counter.arrived(screenId, presentPerson(profile), 'scan', at.getTime());
      }
      return outcome;
    });
  };

  const bridge = new BridgeHost({
    'screen.settings': ({ screenId }) => {
      const screen = screens.get(screenId);
      if (!screen) throw new Error(`no screen "${screenId}" in this store`);
      const playlist = (screen.playlistId && playlists.get(screen.playlistId)) || playlists.get('default') || config.playlists[0]!;
      return {
        screenId, name: screen.name, kind: screen.kind, currency: config.currency,
        greetingDurationMs: config.greetingDurationMs, playlist, scanner: config.scanner,
      };
    },
    'scan.submit': ({ screenId, code }) => handleScan(screenId, code, new Date()),
    'greeting.shown': ({ screenId, decisionId }) => ({ recorded: recognizer.greetingShown(screenId, decisionId) }),
    'agent.status': () => status(),
    'sync.pair': ({ code }) => {
      if (!sync) throw new Error('this store has no head office configured (sync.serverUrl)');
      return { state: sync.pairWith(code) };
    },
    'kiosk.present': ({ screenId }) => counter.list(kioskScreen(screenId)),
    'kiosk.card': ({ screenId, profileId }) => (kioskScreen(screenId), kiosk.card(profileId)),
    'kiosk.search': ({ screenId, query }) => (kioskScreen(screenId), search.search(query)),
    'kiosk.catalogue': ({ screenId }) => (kioskScreen(screenId), catalogue.all()),
    'kiosk.order.confirm': ({ screenId, ...order }) => kiosk.confirmOrder({ screenId: kioskScreen(screenId), ...order }),
    'kiosk.enrol': ({ screenId, ...enrolment }) => kiosk.enrol({ screenId: kioskScreen(screenId), ...enrolment }),
    'kiosk.link': ({ screenId, profileId, link }) => kiosk.link(kioskScreen(screenId), profileId, link),
  });

  const broker: EmbeddedBroker | undefined = config.brokerUrl
    ? undefined
    : await startEmbeddedBroker(config.embeddedBrokerPort, config.embeddedBrokerHost);
  const brokerUrl = config.brokerUrl ?? broker!.url;
  const presence = new PresenceTracker(config.screens, config.presence);
  const ingestion = MqttIngestion.start({
    url: brokerUrl,
    ...(config.brokerUsername !== undefined ? { username: config.brokerUsername } : {}),
    ...(config.brokerPassword !== undefined ? { password: config.brokerPassword } : {}),
    config: config.ingestion,
    rejections,
    log,
    handlers: {
      onSighting: (sighting) => handlePresence(presence.observe(sighting)),
      onScan: (scan) => {
        handleScan(scan.screenId, scan.code, new Date(scan.at));
      },
    },
  });
  brokerConnected = () => ingestion.connected;
  messagesReceived = () => ingestion.received;
  const ticker = setInterval(() => {
    try {
      handlePresence(presence.tick(Date.now()));
      scans.prune(Date.now());
      counter.prune(Date.now());
    } catch (error) {
      log.error({ err: error }, 'presence tick failed');
    }
  }, options.tickMs ?? 1000);

  const applier = new ChangeApplier(db, profiles, {
    onRules: (compiled) => {
      decider.setRules(compiled);
      kiosk.setRules(compiled);
      log.info({ rules: compiled.rules.length, offers: compiled.offers.length }, 'rules updated from head office');
    },
    onPlaylist: (playlist) => playlists.set(playlist.id, playlist),
    onPlaylistRemoved: (id) => {
      if (!config.playlists.some((p) => p.id === id)) playlists.delete(id);
    },
    onCatalogue: (products) => catalogue.replace(products),
  }, log, checkpointer ? { checkpointer } : {});
  const sync: SyncClient | undefined = config.sync
    ? new SyncClient({
        db, config: config.sync, applier, outbox, log, appVersion: packageJson.version,
        ...(options.pageCheckWorker ? { pageChecker: new WorkerPageChecker(options.pageCheckWorker, log) } : {}),
        onIdentity: ({ storeId, deviceId }) => {
          if (storeId !== config.storeId) log.warn({ configured: config.storeId, paired: storeId }, 'paired store id differs from the configured one; using the paired one');
          outbox.setIdentity(storeId, deviceId);
        },
      })
    : undefined;
  sync?.start();

  let http: BrowserBridgeServer | undefined;
  if (config.httpPort !== undefined) {
    http = await startBrowserBridgeServer({ port: config.httpPort, rendererDir: config.rendererDir, host: bridge, log, rejections });
    log.info({ url: http.url }, 'screens served in browser mode');
  }
  log.info({ storeId: config.storeId, broker: brokerUrl, profiles: profiles.countProfiles(), rules: rules.rules.length }, 'store agent started');

  return {
    config,
    bridge,
    httpUrl: http?.url,
    brokerUrl,
    databaseFile,
    status,
    whenListening: (timeoutMs) => ingestion.whenListening(timeoutMs),
    onDecision: (listener) => {
      decisionListeners.add(listener);
      return () => decisionListeners.delete(listener);
    },
    onPresence: (listener) => {
      presenceListeners.add(listener);
      return () => presenceListeners.delete(listener);
    },
    stop: async () => {
      clearInterval(ticker);
      await sync?.stop();
      await http?.close();
      await ingestion.stop();
      await broker?.close();
      // A store file's pages still being written home: a few seconds, once. Past that it is
      // left, safely (WalCheckpointer.settle), rather than miss Electron's shutdown budget.
      await checkpointer?.settle(CHECKPOINT_STOP_WAIT_MS);
      db.close();
      log.info('store agent stopped');
    },
  };
}
