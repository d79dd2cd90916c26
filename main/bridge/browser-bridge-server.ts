/**
 * Browser mode: the headless agent serves the built renderer on 127.0.0.1 and the same
 * typed map over a WebSocket, so any Chromium can be a screen (and tests can drive one).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  BRIDGE_WEBSOCKET_PATH,
  bridgeClientFrameSchema,
  type AgentBridgeHost,
  type BridgeServerFrame,
} from '../../protocol/bridge';
import type { Logger } from '../log/logger';
import type { RejectionCounter } from '../log/logger';

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const MAX_FRAME_BYTES = 64 * 1024;

/** What a screen shows, and the log says once, when the agent runs from a checkout whose screens were never built. */
export const RENDERER_NOT_BUILT = 'the screens are not built: run `npm run build:electron` (electron-vite build), then reload';

export interface BrowserBridgeServer {
  url: string;
  close(): Promise<void>;
}

function serveStatic(root: string, request: IncomingMessage, response: ServerResponse): void {
  const headers = {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  };
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, headers).end();
    return;
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
  } catch {
    response.writeHead(400, headers).end();
    return;
  }
  if (pathname.endsWith('/')) pathname += 'index.html';
  const file = normalize(join(root, pathname));
  if (file !== root && !file.startsWith(root + sep)) {
    response.writeHead(403, headers).end();
    return;
  }
  try {
    if (!statSync(file).isFile()) throw new Error('not a file');
  } catch {
    const unbuilt = file === join(root, 'index.html');
    response.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end(unbuilt ? RENDERER_NOT_BUILT : 'not found');
    return;
  }
  response.writeHead(200, { ...headers, 'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
  if (request.method === 'HEAD') response.end();
  else createReadStream(file).pipe(response);
}

export async function startBrowserBridgeServer(options: {
  port: number;
  rendererDir: string;
  host: AgentBridgeHost;
  log: Logger;
  rejections: RejectionCounter;
}): Promise<BrowserBridgeServer> {
  const root = resolve(options.rendererDir);
  // A page that never loads, with nothing in the log, is all a technician would see otherwise.
  if (!existsSync(join(root, 'index.html'))) options.log.warn({ rendererDir: root }, RENDERER_NOT_BUILT);
  const server: Server = createServer((request, response) => serveStatic(root, request, response));
  const sockets = new WebSocketServer({ server, path: BRIDGE_WEBSOCKET_PATH, maxPayload: MAX_FRAME_BYTES });

  const send = (socket: WebSocket, frame: BridgeServerFrame): void => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
  };

  sockets.on('connection', (socket, request) => {
    // Only pages this agent served may drive it: a page from elsewhere could otherwise reach 127.0.0.1.
    const origin = request.headers.origin;
    const expected = `http://${request.headers.host}`;
    if (origin !== undefined && origin !== expected) {
      options.rejections.reject('bridge-foreign-origin', { origin });
      socket.close(1008, 'origin not allowed');
      return;
    }
    const unsubscribe = options.host.onEvent((name, payload) => send(socket, { kind: 'event', name, payload }));
    socket.on('close', unsubscribe);
    socket.on('error', (error) => options.log.warn({ err: error }, 'bridge socket error'));
    socket.on('message', (data, isBinary) => {
      let frame;
      try {
        if (isBinary) throw new Error('binary frame');
        frame = bridgeClientFrameSchema.parse(JSON.parse(data.toString()));
      } catch (error) {
        options.rejections.reject('bridge-bad-frame', { error: (error as Error).message.slice(0, 200) });
        return;
      }
      const { id } = frame;
      options.host.handle(frame.name, frame.args).then(
        (result) => send(socket, { kind: 'response', id, ok: true, result }),
        (error: Error) => {
          options.rejections.reject('bridge-bad-request', { name: frame.name, error: error.message.slice(0, 200) });
          send(socket, { kind: 'response', id, ok: false, error: error.message });
        },
      );
    });
  });

  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port, '127.0.0.1', () => done());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((done) => sockets.close(() => done()));
      // Chromium keeps pre-opened idle connections; close() alone would wait for them forever.
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      await closed;
    },
  };
}
