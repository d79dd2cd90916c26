/**
 * Locks a signage window to its own document: no navigation elsewhere, no popups, no
 * <webview>, no permissions, no downloads, and the page's strict CSP repeated as a
 * response header.
 *
 * The decisions are pure functions; `applyGuards` only wires them to Electron's events.
 * Electron is imported for its types only, so this module loads under plain Node (vitest).
 */
import type { Session, WebContents } from 'electron';

/** The same policy as the renderer's <meta http-equiv="Content-Security-Policy">. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * The "document origin" a window is locked to, from the URL it was loaded with.
 *
 * - http(s): the origin (scheme, host, port), e.g. `http://localhost:5173` for electron-vite's
 *   dev server.
 * - file: every file URL has the same opaque origin, which would let the page wander to any
 *   file on disk; so the lock is the document itself: `file://` + the path of index.html
 *   (query and fragment dropped).
 */
export function allowedOriginFor(documentUrl: string): string {
  const url = parseUrl(documentUrl);
  if (!url) throw new Error(`not a URL: ${documentUrl}`);
  if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
  if (url.protocol === 'file:') {
    if (url.host !== '') throw new Error(`file URL with a host is not a local document: ${documentUrl}`);
    return `file://${url.pathname}`;
  }
  throw new Error(`unsupported renderer URL scheme: ${url.protocol}`);
}

/**
 * Whether a window locked to `allowedOrigin` (see `allowedOriginFor`) may navigate to `url`.
 * Same http(s) origin, or the same local file with any query/fragment; nothing else:
 * not javascript:, data:, blob:, about:, other hosts, lookalike hosts, other ports, other
 * files, file URLs with a host (UNC shares), or URLs with credentials.
 */
export function isNavigationAllowed(url: string, allowedOrigin: string): boolean {
  const target = parseUrl(url);
  const allowed = parseUrl(allowedOrigin);
  if (!target || !allowed) return false;
  if (target.username !== '' || target.password !== '') return false;
  if (allowed.protocol === 'http:' || allowed.protocol === 'https:') {
    return target.protocol === allowed.protocol && target.origin === allowed.origin;
  }
  if (allowed.protocol === 'file:') {
    return target.protocol === 'file:' && target.host === '' && allowed.host === '' && target.pathname === allowed.pathname;
  }
  return false;
}

/**
 * Permissions a signage page may have: none. (If the renderer ever scans with the camera,
 * this is the one place to allow 'media'.)
 */
const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set<string>();

export function permissionDecision(permission: string): boolean {
  return ALLOWED_PERMISSIONS.has(permission);
}

/** Response headers with `csp` added as a Content-Security-Policy header (kept alongside any the server sent: all are enforced). */
export function withContentSecurityPolicy(
  headers: Record<string, string[]> | undefined,
  csp: string,
): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  const existing: string[] = [];
  for (const [name, values] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') existing.push(...values);
    else result[name] = values;
  }
  result['Content-Security-Policy'] = [...existing.filter((v) => v !== csp), csp];
  return result;
}

export interface GuardOptions {
  /** CSP response header for the session; null leaves headers alone (electron-vite's dev server needs inline scripts). */
  csp?: string | null;
  log?: (message: string) => void;
}

const guardedSessions = new WeakSet<Session>();

/**
 * Session-wide guards, applied once per session: deny every permission request and check,
 * cancel downloads, add the CSP header.
 */
export function applySessionGuards(session: Session, options: GuardOptions = {}): void {
  if (guardedSessions.has(session)) return;
  guardedSessions.add(session);
  const log = options.log ?? ((message: string) => console.warn(message));
  const csp = options.csp === undefined ? CONTENT_SECURITY_POLICY : options.csp;

  session.setPermissionRequestHandler((_webContents, permission, callback) => {
    const granted = permissionDecision(permission);
    if (!granted) log(`[guard] denied permission request: ${permission}`);
    callback(granted);
  });
  session.setPermissionCheckHandler((_webContents, permission) => permissionDecision(permission));
  session.on('will-download', (event, item) => {
    log(`[guard] blocked download: ${item.getURL()}`);
    event.preventDefault();
  });
  if (csp) {
    session.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders, csp) });
    });
  }
}

/**
 * Locks one window's contents to `allowedOrigin`: navigation and redirects elsewhere are
 * prevented (main frame and subframes), window.open is denied, <webview> is never
 * attached; and its session gets `applySessionGuards`.
 */
export function applyGuards(webContents: WebContents, allowedOrigin: string, options: GuardOptions = {}): void {
  const log = options.log ?? ((message: string) => console.warn(message));
  const guardNavigation = (kind: string) => (event: { url: string; preventDefault(): void }) => {
    if (!isNavigationAllowed(event.url, allowedOrigin)) {
      event.preventDefault();
      log(`[guard] blocked ${kind} to ${event.url}`);
    }
  };
  webContents.on('will-navigate', guardNavigation('navigation'));
  webContents.on('will-frame-navigate', guardNavigation('frame navigation'));
  webContents.on('will-redirect', guardNavigation('redirect'));
  webContents.setWindowOpenHandler(({ url }) => {
    log(`[guard] denied window.open of ${url}`);
    return { action: 'deny' };
  });
  webContents.on('will-attach-webview', (event) => {
    log('[guard] blocked <webview>');
    event.preventDefault();
  });
  applySessionGuards(webContents.session, options);
}
