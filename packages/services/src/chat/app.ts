import type { Server } from 'node:http';
import { chatCloseCodes, chatLimits } from '../contract/chat-api.js';
import type { RouteSpec } from '../contract/registry-api.js';
import type { BusClient } from '../kit/clients/bus-client.js';
import { appliedEventsRoute } from '../kit/events/applied-events-route.js';
import { openConsumerStore } from '../kit/events/consumer-store.js';
import { databaseHealthRoute } from '../kit/http/health.js';
import { Router } from '../kit/http/router.js';
import type { ServiceAppOptions } from '../kit/http/app-options.js';
import { createHttpServer } from '../kit/http/server.js';
import { chatErrors } from './errors.js';
import { createChatFanout, type ChatFanout } from './fanout.js';
import { createChatRoutes } from './routes.js';
import { followSessionEnds } from './session-ends.js';
import { createSocketHub, type SocketHub } from './socket-hub.js';
import { openSocketQuota } from './socket-quota.js';
import type { FrameHandlerLimits } from './frame-handler.js';
import type { ChatStore } from './store.js';
import { attachChatSockets } from './websocket.js';

/** Everything under `/chat` needs a signed-in user, the WebSocket handshake included; `/chat/internal` a service token. */
export const chatRouteSpecs: readonly RouteSpec[] = Object.freeze([
  { prefix: '/chat', access: 'protected' },
  { prefix: '/chat/internal', access: 'internal' },
] satisfies RouteSpec[]);

/** Options of createChatApp. */
export interface ChatAppOptions extends ServiceAppOptions {
  readonly store: ChatStore;
  /** The topology's bus: messages between instances, and `token.revoked`. */
  readonly bus: Pick<BusClient, 'publish' | 'subscribe'>;
  /** This instance (`chat#1`): `welcome` and `via` name it. */
  readonly instanceId: string;
  /** Largest frame. @default chatLimits.maxFrameBytes */
  readonly maxFrameBytes?: number;
  /** @default 2000 */
  readonly pingIntervalMs?: number;
  /** The per-socket frame limits. @default chatLimits */
  readonly limits?: FrameHandlerLimits;
  /** Open sockets per user across every instance. @default chatLimits.maxSocketsPerUser */
  readonly maxSocketsPerUser?: number;
}

/** The built, unstarted chat service. */
export interface ChatApp {
  readonly server: Server;
  readonly routes: readonly RouteSpec[];
  readonly hub: SocketHub;
  readonly fanout: ChatFanout;
  /** Resolves true once both bus streams (messages of the other instances, revocations) flow, false after `timeoutMs`. */
  whenStreaming(timeoutMs: number): Promise<boolean>;
  /** Closes every socket with 1001 (the instance is stopping). */
  drain(): void;
  /** Stops the subscriptions and the pinger. */
  close(): void;
}

/**
 * Builds the chat service: rooms and history over HTTP, the WebSocket endpoint `/chat/ws`,
 * fan-out of messages to the other instances over the bus, and sockets closed when their
 * access token is revoked or expires. Nothing listens until the caller does.
 */
export function createChatApp(options: ChatAppOptions): ChatApp {
  const { store, bus, telemetry, instanceId } = options;
  const clock = options.clock ?? Date.now;
  const hub = createSocketHub({ instanceId, telemetry });
  const fanout = createChatFanout({ bus, instanceId, telemetry, onMessage: (message) => hub.deliver(message) });
  const sessions = followSessionEnds({ bus, hub, telemetry, clock });
  const pingIntervalMs = options.pingIntervalMs ?? 2000;
  // Renewed every ping round: a row five rounds old (at least 10 s) is an instance that died.
  const quota = openSocketQuota({ db: store.db, instanceId, maxPerUser: options.maxSocketsPerUser ?? chatLimits.maxSocketsPerUser, leaseMs: Math.max(10_000, 5 * pingIntervalMs), clock });
  const router = new Router().add(
    ...createChatRoutes({ store, telemetry, clock }),
    appliedEventsRoute({ service: 'chat', scope: 'chat.events', store: options.appliedEvents ?? openConsumerStore(store.db) }),
    databaseHealthRoute(() => store.ping(), chatErrors.CHAT_DB_UNAVAILABLE),
  );
  const server = createHttpServer({ router, telemetry, serviceAuth: options.serviceAuth, identity: options.identity, registered: chatRouteSpecs, ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }) });
  const sockets = attachChatSockets({
    server,
    store,
    hub,
    fanout,
    sessions,
    quota,
    telemetry,
    clock,
    instanceId,
    identity: options.identity,
    pingIntervalMs,
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    ...(options.maxFrameBytes === undefined ? {} : { maxFrameBytes: options.maxFrameBytes }),
  });
  return {
    server,
    routes: chatRouteSpecs,
    hub,
    fanout,
    whenStreaming: async (timeoutMs) => (await Promise.all([fanout.whenConnected(timeoutMs), sessions.whenConnected(timeoutMs)])).every(Boolean),
    drain: () => sockets.closeAll(chatCloseCodes.goingAway, 'server shutting down'),
    close() {
      sockets.close();
      quota.close();
      sessions.close();
      fanout.close();
    },
  };
}
