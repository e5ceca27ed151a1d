import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpRouter, readJsonBody, sendErrorBody, sendJson, type JsonBodyOptions } from '@topolab/services/contract';
import { runtimeError, runtimeErrorCodes, toTopolabError } from '../errors/error-codes.js';
import { controlFilePath, removeControlFile, writeControlFile } from './control-file.js';
import { ControlReply, controlRoutes, type ControlRoute, type ControlTopology } from './control-routes.js';
import { createControlToken, isAuthorized } from './control-token.js';
import { createDashboardAssets, dashboardSecurityHeaders } from './dashboard-assets.js';
import { createDashboardSessions } from './dashboard-session.js';
import { createDashboardStream, type DashboardStreamOptions } from './dashboard-stream.js';

/** Options of startControlServer. */
export interface ControlServerOptions {
  readonly topology: ControlTopology;
  /** control.json is written here. */
  readonly dataDir: string;
  /** Routes added to the built-in ones (faults, mode switches). @default [] */
  readonly extraRoutes?: readonly ControlRoute[];
  /** @default '127.0.0.1' */
  readonly host?: string;
  /**
   * Serve the web dashboard too: the page under `/dashboard/` (from `assetsDir`, the build of
   * packages/web), its live feed `GET /v1/stream`, and login links. @default none
   */
  readonly dashboard?: Pick<DashboardStreamOptions, 'topology' | 'describe'> & { readonly assetsDir: string | undefined };
}

/** A running control API. */
export interface ControlServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Path of control.json (mode 0600). */
  readonly file: string;
  /** A new single-use login link to the web dashboard (`…/dashboard/?ticket=…`); undefined without one. */
  dashboardLink(): string | undefined;
  /** Stops serving and removes control.json. */
  close(): Promise<void>;
}

/**
 * The control API's bodies: JSON of at most 64 KiB, read by the services' reader (the
 * contract's) with the control's codes; one too large is refused and its connection closed.
 */
const jsonBody: JsonBodyOptions = {
  limit: 64 * 1024,
  tooLarge: (limit) => runtimeError('CONTROL_INVALID_REQUEST', { message: `The request body is larger than ${limit} bytes.`, headers: { connection: 'close' } }),
  unsupportedType: () => runtimeError('CONTROL_UNSUPPORTED_MEDIA_TYPE'),
  malformed: (cause) => runtimeError('CONTROL_INVALID_REQUEST', { message: 'The request body is not valid JSON.', cause }),
};

/** Every answer of the API is about the topology now, never to be cached. */
const noStore = { 'cache-control': 'no-store' } as const;

/**
 * Serves the control API on loopback, port 0: every request needs `Authorization: Bearer
 * <token>` (401 otherwise); URL and token go to `<dataDir>/control.json`, readable by the user only.
 */
export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const token = createControlToken();
  const web = options.dashboard && {
    sessions: createDashboardSessions(),
    assets: createDashboardAssets(options.dashboard.assetsDir),
    stream: createDashboardStream({ topology: options.dashboard.topology, describe: options.dashboard.describe }),
  };
  const loginRoute: ControlRoute = {
    method: 'POST',
    path: '/v1/dashboard/link',
    handle: () => {
      const link = dashboardLink();
      if (link === undefined) throw runtimeError('CONTROL_NOT_FOUND', { message: 'This topology serves no web dashboard.' });
      return { url: link };
    },
  };
  const router = new HttpRouter<ControlRoute>().add(...controlRoutes, ...(web ? [loginRoute] : []), ...(options.extraRoutes ?? []));
  const server = createServer((req, res) => void handle(req, res));
  let url = '';

  function dashboardLink(): string | undefined {
    return web ? `${url}/dashboard/?ticket=${web.sessions.issueTicket()}` : undefined;
  }

  /** The page and its login: true when answered. */
  function handlePage(req: IncomingMessage, res: ServerResponse, path: URL): boolean {
    if (!web || (path.pathname !== '/' && !path.pathname.startsWith('/dashboard'))) return false;
    const ticket = path.searchParams.get('ticket');
    if (ticket !== null) {
      if (!web.sessions.redeem(ticket)) sendPage(res, 401, 'This login link was used already or has expired. Run `topolab dashboard` for a new one.');
      else {
        res.writeHead(303, { location: '/dashboard/', 'set-cookie': web.sessions.setCookie, 'cache-control': 'no-store', ...dashboardSecurityHeaders });
        res.end();
      }
      return true;
    }
    if (!web.sessions.hasSession(req.headers.cookie) && !isAuthorized(req.headers.authorization, token)) {
      sendPage(res, 401, 'Open the login link `topolab up` printed, or run `topolab dashboard` for a new one.');
      return true;
    }
    if (path.pathname === '/' || path.pathname === '/dashboard') {
      res.writeHead(308, { location: '/dashboard/' });
      res.end();
      return true;
    }
    if (!web.assets.available) throw runtimeError('CONTROL_DASHBOARD_UNAVAILABLE', { message: 'The web dashboard is not built (packages/web/dist is missing).' });
    if (!web.assets.serve(path.pathname, res)) throw runtimeError('CONTROL_NOT_FOUND', { message: `No dashboard file ${path.pathname.slice(0, 80)}.` });
    return true;
  }

  /**
   * A bearer token, or the dashboard's session cookie. A change sent with the cookie must come
   * from the page itself (its Origin): SameSite=Strict already keeps other sites' requests
   * cookieless, and this holds for browsers that do not honour it (OWASP ASVS 5.0 V3.5.3).
   */
  function authorize(req: IncomingMessage, method: string): void {
    if (isAuthorized(req.headers.authorization, token)) return;
    if (!web?.sessions.hasSession(req.headers.cookie)) throw runtimeError('CONTROL_UNAUTHORIZED', { message: 'Missing or wrong bearer token.' });
    if (method !== 'GET' && method !== 'HEAD' && req.headers.origin !== url) {
      throw runtimeError('CONTROL_FORBIDDEN_ORIGIN', { message: `Refused a ${method} from origin ${String(req.headers.origin ?? 'none').slice(0, 80)}.` });
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const path = new URL(req.url ?? '/', 'http://control');
      if (handlePage(req, res, path)) return;
      const method = req.method ?? 'GET';
      authorize(req, method);
      if (web && method === 'GET' && path.pathname === '/v1/stream') return web.stream.handle(req, res);
      const match = router.match(method, path.pathname);
      if (match.kind === 'none') throw runtimeError('CONTROL_NOT_FOUND', { message: `No control route ${method} ${path.pathname}.` });
      if (match.kind === 'wrong-method') {
        const allow = match.allow.join(', ');
        throw runtimeError('CONTROL_METHOD_NOT_ALLOWED', { message: `The control route ${path.pathname} takes ${allow}, not ${method}.`, headers: { allow } });
      }
      const body = method === 'GET' || method === 'HEAD' ? undefined : await readJsonBody(req, jsonBody);
      const result = await match.route.handle({ method, path: path.pathname, params: match.params, query: path.searchParams, body, topology: options.topology });
      if (result instanceof ControlReply) sendJson(res, result.status, result.body, noStore);
      else sendJson(res, 200, result ?? {}, noStore);
    } catch (error) {
      const failure = toTopolabError(error);
      const definition = (runtimeErrorCodes as Record<string, { status: number } | undefined>)[failure.code];
      sendErrorBody(res, definition?.status ?? 500, failure.toBody(), { ...noStore, ...failure.headers });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  writeControlFile(options.dataDir, { url, token, pid: process.pid, startedAt: Date.now() });

  let closing: Promise<void> | undefined;
  return {
    url,
    file: controlFilePath(options.dataDir),
    dashboardLink,
    close() {
      closing ??= new Promise<void>((resolve) => {
        web?.stream.close();
        removeControlFile(options.dataDir, token);
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** A short page for a browser that is not logged in (no secret in it). */
function sendPage(res: ServerResponse, status: number, text: string): void {
  const html = `<!doctype html><meta charset="utf-8"><title>topolab dashboard</title><p>${text.replace(/[<>&]/g, '')}</p>`;
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html), 'cache-control': 'no-store', ...dashboardSecurityHeaders });
  res.end(html);
}
