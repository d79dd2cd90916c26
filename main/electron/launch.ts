/**
 * The main process's launch decisions, kept pure so they are unit-tested without Electron:
 * where the config is, where the data lives, which URL each screen loads, which display
 * it goes on.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** `--config=<path>` on the command line, else `SOO_CONFIG`; undefined means built-in defaults. */
export function configPathFrom(argv: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  for (const arg of argv) {
    if (arg.startsWith('--config=')) {
      const value = arg.slice('--config='.length);
      if (value !== '') return value;
    }
  }
  const fromEnv = env.SOO_CONFIG;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined;
}

/**
 * The agent's data dir as an absolute path. A relative dataDir (the default "./data") is
 * relative to the working directory in development, and to Electron's userData folder in
 * a packaged app, whose working directory may be anything ("/" under a service manager).
 */
export function resolveDataDir(dataDir: string, where: { packaged: boolean; cwd: string; userData: string }): string {
  if (isAbsolute(dataDir)) return dataDir;
  return resolve(where.packaged ? where.userData : where.cwd, dataDir);
}

export type RendererLocation =
  /** Built renderer: BrowserWindow.loadFile(path, { query }). */
  | { kind: 'file'; path: string; query: Record<string, string>; url: string }
  /** electron-vite dev server (ELECTRON_RENDERER_URL): BrowserWindow.loadURL(url). */
  | { kind: 'url'; url: string };

/** Where the window of `screenId` loads its page from. */
export function rendererLocation(
  screenId: string,
  where: { devServerUrl: string | undefined; mainDir: string },
  kind: 'signage' | 'kiosk' = 'signage',
): RendererLocation {
  // The kiosk is another view of the same renderer: ?view=kiosk&screen=<id>.
  const query: Record<string, string> = kind === 'kiosk' ? { view: 'kiosk', screen: screenId } : { screen: screenId };
  if (where.devServerUrl) {
    const url = new URL(where.devServerUrl);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    return { kind: 'url', url: url.href };
  }
  // out/main/index.js → out/renderer/index.html
  const path = join(where.mainDir, '..', 'renderer', 'index.html');
  const url = pathToFileURL(path);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return { kind: 'file', path, query, url: url.href };
}

export interface DisplayLike {
  id: number;
  bounds: { x: number; y: number; width: number; height: number };
}

/** The display at `index` in screen.getAllDisplays(), or the primary one when there is no such display. */
export function pickDisplay<D extends DisplayLike>(
  displays: readonly D[],
  index: number,
  primary: D,
): { display: D; fallback: boolean } {
  const display = displays[index];
  return display ? { display, fallback: false } : { display: primary, fallback: true };
}

/** Developer mode (devtools allowed): SOO_DEVTOOLS=1, or running under electron-vite's dev server. */
export function isDevMode(env: NodeJS.ProcessEnv): boolean {
  return env.SOO_DEVTOOLS === '1' || Boolean(env.ELECTRON_RENDERER_URL);
}

/** The environment of the agent utility process: this one's, minus unset values, with the resolved data dir. */
export function agentProcessEnv(env: NodeJS.ProcessEnv, dataDir: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) result[key] = value;
  result.SOO_DATA_DIR = dataDir;
  return result;
}
