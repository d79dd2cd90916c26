import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';
import type { WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import {
  allowedOriginFor,
  applyGuards,
  CONTENT_SECURITY_POLICY,
  isNavigationAllowed,
  permissionDecision,
  withContentSecurityPolicy,
} from './navigation-guard';

const INDEX = '/opt/soo/resources/app/out/renderer/index.html';
const FILE_ORIGIN = allowedOriginFor(`${pathToFileURL(INDEX).href}?screen=entrance`);
const DEV_ORIGIN = allowedOriginFor('http://localhost:5173/?screen=entrance');

describe('allowedOriginFor', () => {
  it('is the origin for http(s) documents', () => {
    expect(DEV_ORIGIN).toBe('http://localhost:5173');
    expect(allowedOriginFor('https://signage.example:8443/a/b?x=1#y')).toBe('https://signage.example:8443');
  });

  it('is the document itself for file: documents, query and fragment dropped', () => {
    expect(FILE_ORIGIN).toBe(`file://${INDEX}`);
    expect(allowedOriginFor(`file://${INDEX}#top`)).toBe(`file://${INDEX}`);
  });

  it('refuses other schemes and file URLs with a host', () => {
    expect(() => allowedOriginFor('javascript:alert(1)')).toThrow();
    expect(() => allowedOriginFor('data:text/html,hi')).toThrow();
    expect(() => allowedOriginFor('file://server/share/index.html')).toThrow();
    expect(() => allowedOriginFor('not a url')).toThrow();
  });
});

describe('isNavigationAllowed', () => {
  describe('file:// renderer', () => {
    it('allows the same document with any query or fragment', () => {
      expect(isNavigationAllowed(`file://${INDEX}`, FILE_ORIGIN)).toBe(true);
      expect(isNavigationAllowed(`file://${INDEX}?screen=counter`, FILE_ORIGIN)).toBe(true);
      expect(isNavigationAllowed(`file://${INDEX}#greeting`, FILE_ORIGIN)).toBe(true);
      // Dot segments are resolved by the URL parser before comparing.
      expect(isNavigationAllowed(`file:///opt/soo/resources/app/out/renderer/../renderer/index.html`, FILE_ORIGIN)).toBe(true);
    });

    it('refuses any other file, even next to index.html', () => {
      expect(isNavigationAllowed('file:///etc/passwd', FILE_ORIGIN)).toBe(false);
      expect(isNavigationAllowed('file:///opt/soo/resources/app/out/renderer/other.html', FILE_ORIGIN)).toBe(false);
      expect(isNavigationAllowed('file:///opt/soo/resources/app/out/renderer/', FILE_ORIGIN)).toBe(false);
      expect(isNavigationAllowed(`file://${INDEX}.evil.html`, FILE_ORIGIN)).toBe(false);
      expect(isNavigationAllowed('file:///opt/soo/resources/app/out/renderer/index%2Ehtml', FILE_ORIGIN)).toBe(false);
    });

    it('refuses file URLs with a host (UNC shares on Windows)', () => {
      expect(isNavigationAllowed(`file://evil.example${INDEX}`, FILE_ORIGIN)).toBe(false);
    });

    it('refuses http(s) and other schemes', () => {
      expect(isNavigationAllowed('https://example.com/', FILE_ORIGIN)).toBe(false);
      expect(isNavigationAllowed('http://localhost:5173/', FILE_ORIGIN)).toBe(false);
    });
  });

  describe('http(s) renderer (dev server)', () => {
    it('allows the same origin, any path', () => {
      expect(isNavigationAllowed('http://localhost:5173/', DEV_ORIGIN)).toBe(true);
      expect(isNavigationAllowed('http://localhost:5173/index.html?screen=counter', DEV_ORIGIN)).toBe(true);
    });

    it('refuses other hosts, ports and schemes', () => {
      expect(isNavigationAllowed('https://example.com/', DEV_ORIGIN)).toBe(false);
      expect(isNavigationAllowed('http://127.0.0.1:5173/', DEV_ORIGIN)).toBe(false);
      expect(isNavigationAllowed('http://localhost:5174/', DEV_ORIGIN)).toBe(false);
      expect(isNavigationAllowed('https://localhost:5173/', DEV_ORIGIN)).toBe(false);
      expect(isNavigationAllowed('ws://localhost:5173/', DEV_ORIGIN)).toBe(false);
    });

    it('refuses lookalike hosts', () => {
      expect(isNavigationAllowed('http://localhost:5173.evil.example/', DEV_ORIGIN)).toBe(false);
      expect(isNavigationAllowed('http://localhost.evil.example:5173/', DEV_ORIGIN)).toBe(false);
      expect(isNavigationAllowed('http://evil-localhost:5173/', DEV_ORIGIN)).toBe(false);
      // Userinfo trick: the host is evil.example.
      expect(isNavigationAllowed('http://localhost:5173@evil.example/', DEV_ORIGIN)).toBe(false);
      // Credentials on the right host are refused too.
      expect(isNavigationAllowed('http://user:pw@localhost:5173/', DEV_ORIGIN)).toBe(false);
      const shop = allowedOriginFor('https://shop.example/');
      expect(isNavigationAllowed('https://shop.example.evil.example/', shop)).toBe(false);
      expect(isNavigationAllowed('https://xn--shp-sna.example/', shop)).toBe(false);
      expect(isNavigationAllowed('https://shöp.example/', shop)).toBe(false);
    });
  });

  it('refuses javascript:, data:, blob:, about: and garbage whatever the origin', () => {
    for (const origin of [FILE_ORIGIN, DEV_ORIGIN]) {
      expect(isNavigationAllowed('javascript:alert(document.domain)', origin)).toBe(false);
      expect(isNavigationAllowed('JavaScript:alert(1)', origin)).toBe(false);
      expect(isNavigationAllowed('data:text/html,<script>alert(1)</script>', origin)).toBe(false);
      expect(isNavigationAllowed(`blob:${DEV_ORIGIN}/0b0e4a6c-7d0b-4d6e-9a51-2d4b3b2f1e11`, origin)).toBe(false);
      expect(isNavigationAllowed('about:blank', origin)).toBe(false);
      expect(isNavigationAllowed('chrome://settings', origin)).toBe(false);
      expect(isNavigationAllowed('', origin)).toBe(false);
      expect(isNavigationAllowed('not a url', origin)).toBe(false);
    }
  });

  it('refuses everything when the allowed origin is not a usable lock', () => {
    expect(isNavigationAllowed('http://localhost:5173/', '')).toBe(false);
    expect(isNavigationAllowed('javascript:alert(1)', 'javascript:alert(1)')).toBe(false);
    expect(isNavigationAllowed('data:text/html,x', 'data:text/html,x')).toBe(false);
  });
});

describe('permissionDecision', () => {
  it('denies every permission', () => {
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'fullscreen',
      'openExternal',
      'clipboard-read',
      'clipboard-sanitized-write',
      'display-capture',
      'hid',
      'serial',
      'usb',
      'midi',
      'pointerLock',
      'keyboardLock',
      'fileSystem',
      'unknown',
      '',
    ]) {
      expect(permissionDecision(permission), permission).toBe(false);
    }
  });
});

describe('withContentSecurityPolicy', () => {
  it('adds the policy and keeps the other headers', () => {
    const headers = withContentSecurityPolicy({ 'Content-Type': ['text/html'] }, CONTENT_SECURITY_POLICY);
    expect(headers).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });

  it('keeps a policy the server already sent (both are enforced), whatever its header case', () => {
    const headers = withContentSecurityPolicy({ 'content-security-policy': ["default-src 'none'"] }, CONTENT_SECURITY_POLICY);
    expect(headers).toEqual({ 'Content-Security-Policy': ["default-src 'none'", CONTENT_SECURITY_POLICY] });
  });

  it('handles no headers', () => {
    expect(withContentSecurityPolicy(undefined, 'x')).toEqual({ 'Content-Security-Policy': ['x'] });
  });

  it('is the strict policy of the page', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
  });
});

type RequestHandler = (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void;
type CheckHandler = (webContents: unknown, permission: string) => boolean;
type HeadersListener = (
  details: { responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders: Record<string, string[]> }) => void,
) => void;

/** Just enough of Session to see what applyGuards wires. */
class FakeSession extends EventEmitter {
  requestHandler: RequestHandler | undefined;
  checkHandler: CheckHandler | undefined;
  headersListener: HeadersListener | undefined;
  setPermissionRequestHandler(handler: RequestHandler): void {
    this.requestHandler = handler;
  }
  setPermissionCheckHandler(handler: CheckHandler): void {
    this.checkHandler = handler;
  }
  readonly webRequest = {
    onHeadersReceived: (listener: HeadersListener): void => {
      this.headersListener = listener;
    },
  };
}

/** Just enough of WebContents. */
class FakeWebContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  constructor(readonly session: FakeSession = new FakeSession()) {
    super();
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
}

function fakeWebContents(): FakeWebContents {
  return new FakeWebContents();
}

function navigationEvent(url: string) {
  return {
    url,
    prevented: false,
    preventDefault() {
      this.prevented = true;
    },
  };
}

describe('applyGuards', () => {
  const quiet = { log: () => {} };

  it('prevents navigation and redirects to other origins, allows its own document', () => {
    const contents = fakeWebContents();
    applyGuards(contents as unknown as WebContents, FILE_ORIGIN, quiet);
    for (const eventName of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      const away = navigationEvent('https://evil.example/');
      contents.emit(eventName, away);
      expect(away.prevented, eventName).toBe(true);
      const js = navigationEvent('javascript:alert(1)');
      contents.emit(eventName, js);
      expect(js.prevented, eventName).toBe(true);
      const home = navigationEvent(`file://${INDEX}?screen=counter`);
      contents.emit(eventName, home);
      expect(home.prevented, eventName).toBe(false);
    }
  });

  it('denies window.open and <webview>', () => {
    const contents = fakeWebContents();
    applyGuards(contents as unknown as WebContents, FILE_ORIGIN, quiet);
    expect(contents.windowOpenHandler?.({ url: `file://${INDEX}` })).toEqual({ action: 'deny' });
    const attach = navigationEvent('');
    contents.emit('will-attach-webview', attach, {}, { src: 'https://evil.example/' });
    expect(attach.prevented).toBe(true);
  });

  it('denies every permission request and check, cancels downloads, adds the CSP header', () => {
    const contents = fakeWebContents();
    applyGuards(contents as unknown as WebContents, FILE_ORIGIN, quiet);
    const { session } = contents;
    const answers: boolean[] = [];
    session.requestHandler?.(contents, 'media', (granted) => answers.push(granted));
    session.requestHandler?.(contents, 'geolocation', (granted) => answers.push(granted));
    expect(answers).toEqual([false, false]);
    expect(session.checkHandler?.(contents, 'media')).toBe(false);

    const download = navigationEvent('');
    session.emit('will-download', download, { getURL: () => 'https://evil.example/x.exe' });
    expect(download.prevented).toBe(true);

    let responseHeaders: Record<string, string[]> | undefined;
    session.headersListener?.({ responseHeaders: { 'Content-Type': ['text/html'] } }, (r) => (responseHeaders = r.responseHeaders));
    expect(responseHeaders?.['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
  });

  it('leaves response headers alone when csp is null (dev server), still denies permissions', () => {
    const contents = fakeWebContents();
    applyGuards(contents as unknown as WebContents, DEV_ORIGIN, { ...quiet, csp: null });
    expect(contents.session.headersListener).toBeUndefined();
    expect(contents.session.checkHandler?.(contents, 'notifications')).toBe(false);
  });

  it('wires the session once however many windows share it', () => {
    const first = fakeWebContents();
    applyGuards(first as unknown as WebContents, FILE_ORIGIN, quiet);
    const second = new FakeWebContents(first.session);
    applyGuards(second as unknown as WebContents, FILE_ORIGIN, quiet);
    expect(first.session.listenerCount('will-download')).toBe(1);
  });
});
