import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { startServerSpan } from '../../kit/http/server-span.js';
import type { Telemetry } from '../../kit/telemetry.js';
import { hostOf } from './host-header.js';

/** Options of createRedirectServer. */
export interface RedirectServerOptions {
  /** The HTTPS port to send clients to (read per request: the HTTPS listener may pick its port after this server is built). */
  readonly httpsPort: () => number;
  /** Host names the redirect may name (the certificate's); any other Host header is replaced by `fallbackHost()`. */
  readonly knownHosts: readonly string[];
  /** The host to redirect to when the Host header is missing or not known (the address the HTTPS listener has). */
  readonly fallbackHost: () => string;
  readonly telemetry: Telemetry;
  /** @default Date.now */
  readonly clock?: () => number;
}

/**
 * The gateway's plain-HTTP listener: every request gets `308 Permanent Redirect` to the same
 * path on HTTPS (RFC 9110 §15.4.9: method and body are kept, unlike 301/302). The Location
 * names the Host the client used when it is one of the certificate's names or a loopback IP
 * literal, never an arbitrary Host header (no open redirect).
 */
export function createRedirectServer(options: RedirectServerOptions): Server {
  const clock = options.clock ?? Date.now;
  const known = new Set(options.knownHosts.map((host) => host.toLowerCase()));
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const span = startServerSpan(req, res, options.telemetry, clock);
    span.name = `${req.method ?? 'GET'} (redirect to https)`;
    const location = redirectLocation(req.headers.host, req.url ?? '/', { httpsPort: options.httpsPort(), known, fallbackHost: options.fallbackHost() });
    span.attributes.redirect = 'https';
    const body = `${JSON.stringify({ redirect: location })}\n`;
    // The body of a request that is redirected is not read: close the connection rather than drain an upload.
    const unread = req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0' || req.headers['transfer-encoding'] !== undefined;
    res.writeHead(308, {
      location,
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      ...(unread ? { connection: 'close' } : {}),
    });
    res.end(body);
  });
  server.keepAliveTimeout = 5000;
  return server;
}

/** The HTTPS URL a plain-HTTP request is sent to. */
export function redirectLocation(hostHeader: string | undefined, target: string, options: { httpsPort: number; known: ReadonlySet<string>; fallbackHost: string }): string {
  const requested = hostOf(hostHeader);
  const host = requested !== undefined && (options.known.has(requested) || isLoopbackLiteral(requested)) ? requested : options.fallbackHost;
  const path = target.startsWith('/') ? target : '/';
  const authority = isIP(host) === 6 ? `[${host}]` : host;
  return `https://${authority}${options.httpsPort === 443 ? '' : `:${options.httpsPort}`}${path}`;
}

function isLoopbackLiteral(host: string): boolean {
  return (isIP(host) === 4 && host.startsWith('127.')) || host === '::1';
}
