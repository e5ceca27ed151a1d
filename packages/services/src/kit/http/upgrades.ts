import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { RouteEntry } from '../../contract/registry-api.js';
import type { CatalogCache } from '../discovery/catalog-cache.js';
import type { ServiceError } from '../errors.js';
import { createRequestStages, type StageErrors } from '../proxy/request-stages.js';
import { createUpgradeProxy, type UpgradeProxy } from '../proxy/upgrade-proxy.js';
import type { Telemetry } from '../telemetry.js';
import { toServiceError } from './reply.js';
import { sendErrorOnSocket } from './socket-reply.js';
import { startUpgradeSpan, type UpgradeSpan } from './upgrade-span.js';

/** What proxyUpgrades needs: the parts of a proxy (the gateway, the lb) that handshakes use. */
export interface ProxyUpgradesOptions {
  readonly telemetry: Telemetry;
  /** Where handshakes are routed. */
  readonly catalog: Pick<CatalogCache, 'current' | 'route'>;
  /** The proxy's answers at the request stages (a handshake has no body: only its route is looked up). */
  readonly stageErrors: StageErrors;
  /** Silence from the upstream before it answers a handshake (then 504). */
  readonly upstreamTimeoutMs: number;
  /** Epoch ms now, for span start times. @default Date.now */
  readonly clock?: () => number;
}

/**
 * One upgrade request (a WebSocket handshake) a proxy took: the request, its socket, the bytes
 * read past its head and its server span, with the proxy's route lookup and upgrade proxy.
 */
export interface Handshake {
  readonly req: IncomingMessage;
  readonly socket: Duplex;
  readonly head: Buffer;
  readonly span: UpgradeSpan;
  /** Carries the handshake upstream (see forwardHandshake); closed with the server. */
  readonly proxy: UpgradeProxy;
  /** The route serving `path`; throws the proxy's error for a missing or internal one. */
  findRoute(path: string): RouteEntry;
}

/** How a server handles one handshake. */
export interface HandshakeHandling {
  /** Runs the stages that apply to the handshake and proxies it; answers the status sent (101 once switched). What it throws is the refusal. */
  forward(): Promise<number>;
  /** Headers of a refusal, besides those of its error. */
  readonly refusalHeaders?: Readonly<Record<string, string>>;
  /** Sees a refusal just before it is sent. */
  refused?(answer: ServiceError): void;
  /** Runs once the handshake is answered (status 0: the socket closed first), just before its span ends. */
  answered?(status: number): void;
}

/**
 * Makes a proxy take the `upgrade` events of `server` with `handle`: each handshake gets a
 * server span that ends with its answer (its `error` attribute the code of a refusal), and a
 * refusal — what `forward` throws — is an HTTP answer with the JSON error body on the raw
 * socket, which then closes. Errors of the client's socket are left to the span (status 0).
 */
export function proxyUpgrades(server: HttpServer | HttpsServer, options: ProxyUpgradesOptions, handle: (handshake: Handshake) => HandshakeHandling): void {
  const { telemetry, catalog } = options;
  const clock = options.clock ?? Date.now;
  const proxy = createUpgradeProxy({ timeoutMs: options.upstreamTimeoutMs, telemetry, clock });
  const stages = createRequestStages({ catalog, bodyLimit: 0, telemetry, errors: options.stageErrors });

  async function run(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => undefined);
    const span = startUpgradeSpan(req, socket, telemetry, clock);
    let handling: HandshakeHandling | undefined;
    let status = 0;
    try {
      handling = handle({ req, socket, head, span, proxy, findRoute: stages.findRoute });
      status = await handling.forward();
    } catch (error) {
      const answer = toServiceError(error);
      span.attributes.error = answer.code;
      status = answer.status;
      handling?.refused?.(answer);
      sendErrorOnSocket(socket, answer, handling?.refusalHeaders);
    } finally {
      handling?.answered?.(status);
      span.end(status);
    }
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    void run(req, socket, head);
  });
  server.on('close', () => proxy.close());
}
