import { describe, expect, it } from 'vitest';
import { signageWindowOptions } from './window-options';

const bounds = { x: 1920, y: 0, width: 1080, height: 1920 };
const preloadPath = '/opt/soo/out/preload/preload.cjs';

describe('signageWindowOptions', () => {
  const options = signageWindowOptions({ preloadPath, bounds, title: 'Entrance screen' });
  const web = options.webPreferences ?? {};

  it('isolates the page from Node and Electron', () => {
    expect(web.contextIsolation).toBe(true);
    expect(web.sandbox).toBe(true);
    expect(web.nodeIntegration).toBe(false);
    expect(web.nodeIntegrationInWorker).toBe(false);
    expect(web.nodeIntegrationInSubFrames).toBe(false);
  });

  it('keeps web security on and the extras off', () => {
    expect(web.webSecurity).toBe(true);
    expect(web.allowRunningInsecureContent).toBe(false);
    expect(web.webviewTag).toBe(false);
    expect(web.spellcheck).toBe(false);
    expect(web.navigateOnDragDrop).toBe(false);
  });

  it('has no devtools unless in developer mode', () => {
    expect(web.devTools).toBe(false);
    expect(signageWindowOptions({ preloadPath, bounds, dev: false }).webPreferences?.devTools).toBe(false);
    const dev = signageWindowOptions({ preloadPath, bounds, dev: true }).webPreferences ?? {};
    expect(dev.devTools).toBe(true);
    // Developer mode opens devtools, nothing else.
    expect(dev.contextIsolation).toBe(true);
    expect(dev.sandbox).toBe(true);
    expect(dev.nodeIntegration).toBe(false);
    expect(dev.webSecurity).toBe(true);
  });

  it('uses the given preload', () => {
    expect(web.preload).toBe(preloadPath);
  });

  it('is a borderless fullscreen kiosk on a black background without a menu', () => {
    expect(options.fullscreen).toBe(true);
    expect(options.kiosk).toBe(true);
    expect(options.frame).toBe(false);
    expect(options.backgroundColor).toBe('#000000');
    expect(options.autoHideMenuBar).toBe(true);
    expect(options.show).toBe(false);
    expect(options.title).toBe('Entrance screen');
  });

  it('is placed on its display', () => {
    expect({ x: options.x, y: options.y, width: options.width, height: options.height }).toEqual(bounds);
  });
});
