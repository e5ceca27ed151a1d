import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { edgeNames } from '../../contract/edge.js';
import { hostOf } from './host-header.js';

/**
 * The `Strict-Transport-Security` value the edge sends (RFC 6797 §6.1): one hour, long enough to
 * see a browser go straight to HTTPS during a session, short enough that a later `up --no-tls`
 * is not refused for long. No `includeSubDomains` (and no policy for `<service>.topolab.test`):
 * those names lead to the services' own plain-HTTP listeners. No `preload`: `.test` names are
 * never public (RFC 6761 §6.2).
 */
export const hstsHeaderValue = 'max-age=3600';

/**
 * The hosts whose HTTPS answers carry STS: the certificate's names inside the topology's zone
 * (www.topolab.test). Never `localhost` or an IP literal: a UA ignores STS from an IP literal
 * (RFC 6797 §8.1.1), and a policy holds for a host on every port (§8.3), so STS on `localhost`
 * would force HTTPS on every other development server on localhost for the max-age.
 */
export const hstsHosts: ReadonlySet<string> = new Set(edgeNames.certificateDns.filter((name) => name.endsWith(`.${edgeNames.zone}`)));

/** Whether an HTTPS answer to `host` (lower case, no port; `www.topolab.test.` is the same host) gets STS. */
export function isHstsHost(host: string | undefined, hosts: ReadonlySet<string> = hstsHosts): boolean {
  if (host === undefined) return false;
  return hosts.has(host.endsWith('.') ? host.slice(0, -1) : host);
}

/**
 * Wraps the HTTPS listener's handler so an answer to one of `hstsHosts` carries
 * `Strict-Transport-Security`. The host is the request's Host (the name the UA records the
 * policy for), or the TLS SNI name when a client sends no Host. Only for TLS listeners: STS must
 * never go out over plain HTTP (RFC 6797 §7.2), so the 308 redirect does not use this.
 */
export function withHsts<Handler extends (req: IncomingMessage, res: ServerResponse) => unknown>(handler: Handler): Handler {
  const wrapped = (req: IncomingMessage, res: ServerResponse) => {
    const host = hostOf(req.headers.host ?? ((req.socket as TLSSocket).servername || undefined));
    if (isHstsHost(host)) res.setHeader('strict-transport-security', hstsHeaderValue);
    return handler(req, res);
  };
  return wrapped as Handler;
}
