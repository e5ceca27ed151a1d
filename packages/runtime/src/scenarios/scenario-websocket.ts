import type { LookupFunction } from 'node:net';
import { connectWebSocket, toWebSocketUrl, type WebSocketClient } from '../client/websocket-client.js';
import { isTopolabError } from '../errors/topolab-error.js';
import type { TraceCollector } from '../telemetry/trace-collector.js';
import type { ScenarioWebSocketOptions } from './dsl.js';
import { waitForHops } from './scenario-gateway.js';
import type { SecretRegistry } from './secrets.js';
import type { StepRecorder } from './step-recorder.js';

/** How sockets reach a gateway besides its URL (the topology's CA and DNS once it serves TLS). */
export interface ScenarioSocketTransport {
  /** CA certificate (PEM) to trust for `wss:`. */
  readonly ca?: string;
  /** TLS server name. @default the URL's host */
  readonly servername?: string;
  /** Resolves the gateway's host name. */
  readonly lookup?: LookupFunction;
}

/** What createScenarioSockets needs. */
export interface ScenarioSocketsOptions {
  readonly traces: TraceCollector;
  readonly recorder: Pick<StepRecorder, 'startRequest'>;
  readonly secrets: SecretRegistry;
  /** @default none: plain `ws:` with the system's resolver */
  readonly transport?: ScenarioSocketTransport;
  /** How long a handshake's spans may take to arrive. @default 1000 */
  readonly hopsTimeoutMs?: number;
}

/** The sockets of one scenario run. */
export interface ScenarioSockets {
  /** Opens `path` on the gateway at `baseUrl` (`http:` → `ws:`, `https:` → `wss:`), recording the handshake in the current step. */
  open(baseUrl: string, path: string, options?: Omit<ScenarioWebSocketOptions, 'gateway'>): Promise<WebSocketClient>;
  /** Ends every socket still open (the run is over). */
  closeAll(): void;
}

/**
 * Opens WebSockets for a scenario: each handshake is recorded in the current step like a
 * request — `GET /chat/ws 101` with its hops (gateway → chat#2), or the refusal's status and
 * error code — and the token is remembered as a secret so no report shows it.
 */
export function createScenarioSockets(options: ScenarioSocketsOptions): ScenarioSockets {
  const { traces, recorder, secrets } = options;
  const hopsTimeoutMs = options.hopsTimeoutMs ?? 1000;
  const open = new Set<WebSocketClient>();
  return {
    async open(baseUrl, path, socketOptions = {}) {
      secrets.add(socketOptions.token);
      const record = recorder.startRequest('GET', path);
      const started = performance.now();
      let client: WebSocketClient;
      try {
        client = await connectWebSocket({ url: toWebSocketUrl(baseUrl, path), ...options.transport, ...socketOptions });
      } catch (error) {
        const details = isTopolabError(error) ? error.details : undefined;
        const traceId = details?.traceId as string | undefined;
        const spanId = details?.spanId as string | undefined;
        const status = typeof details?.status === 'number' ? details.status : 0;
        const code = (details?.code as string | undefined) ?? (isTopolabError(error) ? error.code : 'Error');
        record({ status, durationMs: performance.now() - started, code }, traceId && spanId ? waitForHops(traces, traceId, spanId, hopsTimeoutMs) : Promise.resolve([]));
        throw error;
      }
      open.add(client);
      void client.closed.then(() => open.delete(client));
      record({ status: 101, durationMs: client.handshakeMs }, waitForHops(traces, client.traceId, client.spanId, hopsTimeoutMs));
      return client;
    },
    closeAll() {
      for (const client of open) void client.close(1001, 'scenario over');
      open.clear();
    },
  };
}
