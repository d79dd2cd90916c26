/**
 * The BrowserWindow options of a signage window: borderless, fullscreen kiosk on its
 * display, and a renderer with no Node, no devtools (unless a developer asks), sandboxed
 * and context-isolated, talking to the agent only through the preload's bridge.
 *
 * Pure; Electron is imported for its types only.
 */
import type { BrowserWindowConstructorOptions, Rectangle } from 'electron';

export interface SignageWindowInput {
  /** Absolute path of the built preload (out/preload/preload.cjs). */
  preloadPath: string;
  /** Bounds of the display the screen is shown on (Display.bounds). */
  bounds: Rectangle;
  /** Title, for the window manager and logs. */
  title?: string;
  /** Developer mode: devtools allowed. Everything else stays locked down. */
  dev?: boolean;
}

export function signageWindowOptions(input: SignageWindowInput): BrowserWindowConstructorOptions {
  const { x, y, width, height } = input.bounds;
  return {
    title: input.title ?? 'Signage',
    x,
    y,
    width,
    height,
    fullscreen: true,
    kiosk: true,
    frame: false,
    backgroundColor: '#000000',
    autoHideMenuBar: true,
    // Shown on ready-to-show, so the screen never flashes an empty frame.
    show: false,
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      devTools: input.dev === true,
      // Signage keeps animating when the window is covered or the display is "hidden".
      backgroundThrottling: false,
    },
  };
}
