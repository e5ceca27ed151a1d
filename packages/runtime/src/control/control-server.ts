import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runtimeError, runtimeErrorCodes, toTopolabError } from '../errors/error-codes.js';
import { controlFilePath, removeControlFile, writeControlFile } from './control-file.js';
import { ControlReply, controlRoutes, matchControlRoute, type ControlRoute, type ControlTopology } from './control-routes.js';
import { createControlToken, isAuthorized } from './control-token.js';

/** Options of startControlServer. */
export interface ControlServerOptions {
  readonly topology: ControlTopology;
  /** control.json is written here. */
  readonly dataDir: string;
  /** Routes added to the built-in ones (faults, mode switches). @default [] */
  readonly extraRoutes?: readonly ControlRoute[];
  /** @default '127.0.0.1' */
  readonly host?: string;
}

/** A running control API. */
export interface ControlServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Path of control.json (mode 0600). */
  readonly file: string;
  /** Stops serving and removes control.json. */
  close(): Promise<void>;
}

const bodyLimit = 64 * 1024;

/**
 * Serves the control API on loopback, port 0: every request needs `Authorization: Bearer
 * <token>` (401 otherwise); URL and token go to `<dataDir>/control.json`, readable by the user only.
 */
export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const token = createControlToken();
  const routes = [...controlRoutes, ...(options.extraRoutes ?? [])];
  const server = createServer((req, res) => void handle(req, res));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (!isAuthorized(req.headers.authorization, token)) throw runtimeError('CONTROL_UNAUTHORIZED', { message: 'Missing or wrong bearer token.' });
      const url = new URL(req.url ?? '/', 'http://control');
      const method = req.method ?? 'GET';
      const match = matchControlRoute(routes, method, url.pathname);
      if (!match) throw runtimeError('CONTROL_NOT_FOUND', { message: `No control route ${method} ${url.pathname}.` });
      const body = method === 'GET' || method === 'HEAD' ? undefined : await readJson(req);
      const result = await match.route.handle({ method, path: url.pathname, params: match.params, query: url.searchParams, body, topology: options.topology });
      if (result instanceof ControlReply) send(res, result.status, result.body);
      else send(res, 200, result ?? {});
    } catch (error) {
      const failure = toTopolabError(error);
      const definition = (runtimeErrorCodes as Record<string, { status: number } | undefined>)[failure.code];
      send(res, definition?.status ?? 500, failure.toBody());
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  writeControlFile(options.dataDir, { url, token, pid: process.pid, startedAt: Date.now() });

  let closing: Promise<void> | undefined;
  return {
    url,
    file: controlFilePath(options.dataDir),
    close() {
      closing ??= new Promise<void>((resolve) => {
        removeControlFile(options.dataDir, token);
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload), 'cache-control': 'no-store' });
  res.end(payload);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > bodyLimit) throw runtimeError('CONTROL_INVALID_REQUEST', { message: `The request body is larger than ${bodyLimit} bytes.` });
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch (error) {
    throw runtimeError('CONTROL_INVALID_REQUEST', { message: 'The request body is not valid JSON.', cause: error });
  }
}
