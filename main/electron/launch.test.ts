import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentProcessEnv, configPathFrom, isDevMode, pickDisplay, rendererLocation, resolveDataDir } from './launch';

describe('configPathFrom', () => {
  it('takes --config= first, then SOO_CONFIG, else none', () => {
    expect(configPathFrom(['electron', '.', '--config=/etc/soo/store.json'], { SOO_CONFIG: '/other.json' })).toBe('/etc/soo/store.json');
    expect(configPathFrom(['electron', '.'], { SOO_CONFIG: '/etc/soo/store.json' })).toBe('/etc/soo/store.json');
    expect(configPathFrom(['electron', '.'], {})).toBeUndefined();
    expect(configPathFrom(['--config='], { SOO_CONFIG: '' })).toBeUndefined();
  });
});

describe('resolveDataDir', () => {
  const where = { cwd: '/work/main', userData: '/home/kiosk/.config/segment-of-one' };
  it('keeps absolute paths', () => {
    expect(resolveDataDir('/var/lib/soo', { ...where, packaged: true })).toBe('/var/lib/soo');
  });
  it('resolves a relative path against the working dir in development, userData when packaged', () => {
    expect(resolveDataDir('./data', { ...where, packaged: false })).toBe('/work/main/data');
    expect(resolveDataDir('./data', { ...where, packaged: true })).toBe('/home/kiosk/.config/segment-of-one/data');
  });
});

describe('rendererLocation', () => {
  it('loads the built renderer next to out/main, with the screen in the query', () => {
    const location = rendererLocation('entrance', { devServerUrl: undefined, mainDir: '/opt/soo/out/main' });
    expect(location).toEqual({
      kind: 'file',
      path: join('/opt/soo/out/main', '..', 'renderer', 'index.html'),
      query: { screen: 'entrance' },
      url: 'file:///opt/soo/out/renderer/index.html?screen=entrance',
    });
  });
  it('opens a kiosk screen in the kiosk view', () => {
    const location = rendererLocation('till', { devServerUrl: undefined, mainDir: '/opt/soo/out/main' }, 'kiosk');
    expect(location).toMatchObject({ kind: 'file', query: { view: 'kiosk', screen: 'till' }, url: 'file:///opt/soo/out/renderer/index.html?view=kiosk&screen=till' });
  });
  it('loads the dev server when electron-vite gives one', () => {
    expect(rendererLocation('counter', { devServerUrl: 'http://localhost:5173', mainDir: '/x' })).toEqual({
      kind: 'url',
      url: 'http://localhost:5173/?screen=counter',
    });
  });
});

describe('pickDisplay', () => {
  const primary = { id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 } };
  const second = { id: 2, bounds: { x: 1920, y: 0, width: 1080, height: 1920 } };
  it('picks the configured display, or falls back to the primary one', () => {
    expect(pickDisplay([primary, second], 1, primary)).toEqual({ display: second, fallback: false });
    expect(pickDisplay([primary], 1, primary)).toEqual({ display: primary, fallback: true });
  });
});

describe('isDevMode', () => {
  it('is on with SOO_DEVTOOLS=1 or electron-vite dev, off otherwise', () => {
    expect(isDevMode({})).toBe(false);
    expect(isDevMode({ SOO_DEVTOOLS: '0' })).toBe(false);
    expect(isDevMode({ SOO_DEVTOOLS: '1' })).toBe(true);
    expect(isDevMode({ ELECTRON_RENDERER_URL: 'http://localhost:5173' })).toBe(true);
  });
});

describe('agentProcessEnv', () => {
  it('passes the environment on with the resolved data dir', () => {
    expect(agentProcessEnv({ SOO_STORE_ID: 's1', SOO_DATA_DIR: './data', UNSET: undefined }, '/abs/data')).toEqual({
      SOO_STORE_ID: 's1',
      SOO_DATA_DIR: '/abs/data',
    });
  });
});
