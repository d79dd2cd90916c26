/**
 * Electron main process: windows and relaying only.
 *
 * - One instance per machine (the single-instance lock); the display never sleeps.
 * - The store agent runs in a utility process (agent-process.ts). Main relays the typed
 *   request/event map between the signage windows (ipcMain / webContents.send) and that
 *   process (parentPort messages), and forks it again if it dies, within a restart budget.
 * - One locked-down, fullscreen kiosk window per configured screen, on its display, loading
 *   out/renderer/index.html?screen=<id> (electron-vite's dev server in development). A
 *   crashed or hung renderer is reloaded, within the same kind of budget.
 * - Quitting asks the agent to stop (close the database, the broker) before exiting.
 */
import { app, BrowserWindow, ipcMain, powerSaveBlocker, screen, utilityProcess, type UtilityProcess } from 'electron';
import { join, resolve } from 'node:path';
import { ConfigError, loadAgentConfig, type AgentConfig, type ScreenConfig } from '../config/agent-config';
import { createLogger } from '../log/logger';
import {
  AGENT_EVENT_CHANNEL,
  AGENT_REQUEST_CHANNEL,
  AgentClient,
  AgentUnavailableError,
  eventAudience,
  vetRendererRequest,
  type AgentShutdownMessage,
} from './bridge-relay';
import { agentProcessEnv, configPathFrom, isDevMode, pickDisplay, rendererLocation, resolveDataDir, type RendererLocation } from './launch';
import { allowedOriginFor, applyGuards, CONTENT_SECURITY_POLICY, isNavigationAllowed } from './navigation-guard';
import { createRestartBudgetStore, type RestartBudgetStore } from './restart-budget';
import { signageWindowOptions } from './window-options';
import { AGENT_NODE_FLAGS } from '../cli/agent-runtime-flags';

const log = createLogger('electron-main');

/** out/main: index.js and agent-process.js side by side; out/preload and out/renderer next to it. */
const MAIN_DIR = import.meta.dirname;
const PRELOAD_PATH = join(MAIN_DIR, '..', 'preload', 'preload.cjs');
const AGENT_ENTRY = join(MAIN_DIR, 'agent-process.js');

const RESTART_DELAY_MS = 1_000;
/** A renderer unresponsive this long is killed, which counts as a crash and reloads it. */
const HANG_KILL_MS = 15_000;
/** How long the agent gets to stop cleanly on quit before it is killed. */
const AGENT_STOP_TIMEOUT_MS = 12_000;

interface ScreenWindow {
  readonly screen: ScreenConfig;
  readonly window: BrowserWindow;
  readonly location: RendererLocation;
  readonly allowedOrigin: string;
}

interface RunningAgent {
  readonly child: UtilityProcess;
  readonly client: AgentClient;
}

// ── Before ready ────────────────────────────────────────────────────────────────────────

// Tests (and a second kiosk profile) can isolate Electron's profile; also what the lock is keyed on.
if (process.env.SOO_USER_DATA_DIR) app.setPath('userData', resolve(process.env.SOO_USER_DATA_DIR));
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  log.warn('another instance is already running; quitting');
  app.quit();
} else {
  run();
}

function run(): void {
  const configPath = configPathFrom(process.argv, process.env);
  let config: AgentConfig;
  try {
    config = loadAgentConfig(configPath, process.env);
  } catch (error) {
    log.fatal({ err: error, configPath }, error instanceof ConfigError ? error.message : 'cannot load the agent config');
    app.exit(78); // EX_CONFIG
    return;
  }

  const dev = isDevMode(process.env);
  const devServerUrl = process.env.ELECTRON_RENDERER_URL || undefined;
  const windows = new Map<string, ScreenWindow>();
  const screenOfWebContents = new Map<number, string>();
  let agent: RunningAgent | undefined;
  let budget: RestartBudgetStore;
  let dataDir: string;
  let quitting = false;
  let agentStopped = false;
  let agentStopping = false;

  // ── Agent utility process ──────────────────────────────────────────────────────────────

  function startAgentProcess(): void {
    const args = configPath ? [`--config=${resolve(configPath)}`] : [];
    const child = utilityProcess.fork(AGENT_ENTRY, args, {
      serviceName: 'Store agent',
      stdio: 'inherit',
      execArgv: [...AGENT_NODE_FLAGS],
      env: agentProcessEnv(process.env, dataDir),
    });
    const client = new AgentClient((message) => child.postMessage(message), {
      onReady: () => log.info({ pid: child.pid }, 'agent ready'),
    });
    child.on('spawn', () => log.info({ pid: child.pid }, 'agent process started'));
    child.on('message', (message: unknown) => client.receive(message));
    child.on('error', (type, location) => log.error({ type, location }, 'agent process fatal error'));
    child.once('exit', (code) => onAgentExit(child, client, code));
    client.onEvent((name, payload) => {
      for (const screenId of eventAudience(payload, [...windows.keys()])) {
        const entry = windows.get(screenId);
        if (entry && !entry.window.isDestroyed()) entry.window.webContents.send(AGENT_EVENT_CHANNEL, name, payload);
      }
    });
    agent = { child, client };
  }

  function onAgentExit(child: UtilityProcess, client: AgentClient, code: number): void {
    client.close(`agent process exited (code ${code})`);
    if (agent?.child === child) agent = undefined;
    if (quitting) return;
    if (code === 0) {
      // Only a shutdown request or a signal makes the agent exit 0: someone is stopping us.
      log.warn('agent process stopped by itself; quitting');
      app.quit();
      return;
    }
    if (!budget.tryRestart('agent')) {
      log.fatal({ code, recent: budget.recent('agent').length }, 'agent keeps crashing: restart budget exhausted, quitting');
      quitting = true;
      app.exit(70); // EX_SOFTWARE: a service manager may start the app again; the budget is on disk.
      return;
    }
    log.error({ code }, `agent process exited unexpectedly; restarting in ${RESTART_DELAY_MS} ms`);
    setTimeout(() => {
      if (!quitting && !agent) startAgentProcess();
    }, RESTART_DELAY_MS);
  }

  function stopAgentProcess(): Promise<void> {
    const current = agent;
    if (!current) return Promise.resolve();
    return new Promise<void>((done) => {
      const timer = setTimeout(() => {
        log.warn('agent did not stop in time; killing it');
        current.child.kill();
        setTimeout(done, 2_000);
      }, AGENT_STOP_TIMEOUT_MS);
      current.child.once('exit', () => {
        clearTimeout(timer);
        done();
      });
      try {
        current.child.postMessage({ kind: 'shutdown' } satisfies AgentShutdownMessage);
      } catch {
        current.child.kill();
      }
    });
  }

  // ── Signage windows ────────────────────────────────────────────────────────────────────

  function loadScreen(entry: ScreenWindow): void {
    const loading =
      entry.location.kind === 'file'
        ? entry.window.loadFile(entry.location.path, { query: entry.location.query })
        : entry.window.loadURL(entry.location.url);
    loading.catch((error: unknown) => log.error({ err: error, screen: entry.screen.id }, 'screen failed to load'));
  }

  function openScreenWindow(screenConfig: ScreenConfig): void {
    const { display, fallback } = pickDisplay(screen.getAllDisplays(), screenConfig.display, screen.getPrimaryDisplay());
    if (fallback) log.warn({ screen: screenConfig.id, display: screenConfig.display }, 'no such display; using the primary one');
    const location = rendererLocation(screenConfig.id, { devServerUrl, mainDir: MAIN_DIR }, screenConfig.kind);
    const allowedOrigin = allowedOriginFor(location.url);
    const window = new BrowserWindow(
      signageWindowOptions({ preloadPath: PRELOAD_PATH, bounds: display.bounds, title: screenConfig.name || screenConfig.id, dev }),
    );
    const contents = window.webContents;
    const contentsId = contents.id;
    const entry: ScreenWindow = { screen: screenConfig, window, location, allowedOrigin };
    windows.set(screenConfig.id, entry);
    screenOfWebContents.set(contentsId, screenConfig.id);

    // The dev server injects inline scripts and styles: the page's own CSP applies there, not the header.
    applyGuards(contents, allowedOrigin, {
      csp: devServerUrl ? null : CONTENT_SECURITY_POLICY,
      log: (message) => log.warn({ screen: screenConfig.id }, message),
    });

    window.once('ready-to-show', () => window.show());
    window.on('closed', () => {
      screenOfWebContents.delete(contentsId);
      if (windows.get(screenConfig.id)?.window === window) windows.delete(screenConfig.id);
    });

    let hangTimer: ReturnType<typeof setTimeout> | undefined;
    window.on('unresponsive', () => {
      log.warn({ screen: screenConfig.id }, `renderer unresponsive; killing it in ${HANG_KILL_MS} ms unless it recovers`);
      clearTimeout(hangTimer);
      hangTimer = setTimeout(() => {
        if (!window.isDestroyed()) contents.forcefullyCrashRenderer();
      }, HANG_KILL_MS);
    });
    window.on('responsive', () => clearTimeout(hangTimer));

    contents.on('render-process-gone', (_event, details) => {
      clearTimeout(hangTimer);
      if (quitting) return;
      log.error({ screen: screenConfig.id, reason: details.reason, exitCode: details.exitCode }, 'renderer gone');
      if (!budget.tryRestart(`renderer:${screenConfig.id}`)) {
        log.fatal({ screen: screenConfig.id }, 'renderer keeps crashing: restart budget exhausted, leaving the screen dark');
        return;
      }
      setTimeout(() => {
        if (!quitting && !window.isDestroyed()) loadScreen(entry);
      }, RESTART_DELAY_MS);
    });

    loadScreen(entry);
  }

  // ── Renderer → agent requests ──────────────────────────────────────────────────────────

  ipcMain.handle(AGENT_REQUEST_CHANNEL, async (event, name: unknown, args: unknown) => {
    const screenId = screenOfWebContents.get(event.sender.id);
    const entry = screenId === undefined ? undefined : windows.get(screenId);
    const frame = event.senderFrame;
    // Only the top frame of a signage window, on its own document, may talk to the agent.
    if (!screenId || !entry || !frame || frame.parent !== null || !isNavigationAllowed(frame.url, entry.allowedOrigin)) {
      log.warn({ url: frame?.url }, 'refused an agent request from an unknown frame');
      throw new Error('agent requests are only accepted from a signage screen');
    }
    const check = vetRendererRequest(name, args, screenId);
    if (!check.ok) throw new Error(check.error);
    if (!agent) throw new AgentUnavailableError('the agent is restarting');
    return agent.client.request(name as string, args);
  });

  // ── App lifecycle ──────────────────────────────────────────────────────────────────────

  app.on('second-instance', () => {
    for (const { window } of windows.values()) {
      if (window.isDestroyed()) continue;
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
    }
  });

  // Belt and braces for any web contents the signage windows did not create themselves.
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  app.on('window-all-closed', () => app.quit());

  app.on('before-quit', (event) => {
    quitting = true;
    if (agentStopped || !agent) return;
    event.preventDefault();
    if (agentStopping) return;
    agentStopping = true;
    log.info('quitting: stopping the agent');
    void stopAgentProcess().finally(() => {
      agentStopped = true;
      app.quit();
    });
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

  app
    .whenReady()
    .then(() => {
      dataDir = resolveDataDir(config.dataDir, { packaged: app.isPackaged, cwd: process.cwd(), userData: app.getPath('userData') });
      budget = createRestartBudgetStore(join(dataDir, 'restart-budget.json'), {
        onError: (error) => log.warn({ err: error }, 'cannot write the restart budget file'),
      });
      powerSaveBlocker.start('prevent-display-sleep');
      log.info({ dataDir, screens: config.screens.map((s) => s.id), dev, devServerUrl }, 'starting');
      startAgentProcess();
      for (const screenConfig of config.screens) openScreenWindow(screenConfig);
    })
    .catch((error: unknown) => {
      log.fatal({ err: error }, 'startup failed');
      app.exit(1);
    });
}
