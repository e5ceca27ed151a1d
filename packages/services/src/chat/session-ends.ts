import { busTopics, type TokenRevokedEvent } from '../contract/bus-api.js';
import { chatCloseCodes } from '../contract/chat-api.js';
import type { BusClient, BusSubscriptionStatus } from '../kit/clients/bus-client.js';
import type { Telemetry } from '../kit/telemetry.js';
import { isJti } from '../kit/token-cache/token-facts.js';
import type { ChatConnection, SocketHub } from './socket-hub.js';
import { createStreamReadiness } from './stream-readiness.js';

/** Options of followSessionEnds. */
export interface SessionEndsOptions {
  /** Where auth publishes `token.revoked` (logout, refresh-token reuse). */
  readonly bus: Pick<BusClient, 'subscribe'>;
  readonly hub: Pick<SocketHub, 'byToken'>;
  readonly telemetry: Telemetry;
  /** Epoch ms now. @default Date.now */
  readonly clock?: () => number;
}

/** Ends sockets whose access token ended. */
export interface SessionEnds {
  /** Whether the token with this jti was revoked (a handshake that raced its logout). */
  isRevoked(tokenId: string): boolean;
  /** Resolves true once revocations stream from the bus, false after `timeoutMs`. */
  whenConnected(timeoutMs: number): Promise<boolean>;
  /** Closes `connection` when its token expires; call the answer when the socket closes first. */
  watchExpiry(connection: ChatConnection): () => void;
  close(): void;
}

// setTimeout's longest delay; a later expiry is re-armed when this one fires.
const maxTimerMs = 2 ** 31 - 1;

/**
 * A socket lives no longer than the access token it was opened with: on `token.revoked` from
 * the bus every socket opened with that jti is closed with 4401 `token revoked`, and at the
 * token's expiry with 4401 `token expired`. The revocation lag is the bus's push delay, the
 * same in every auth mode (the gateway checked the token only at the handshake). Revoked jtis
 * are remembered until they expire, so a handshake that passed the gateway just before the
 * logout is refused here. While the bus is disconnected revocations arrive late (the
 * subscription resumes after its last seq); after `lost` they may be missed, which is reported.
 */
export function followSessionEnds(options: SessionEndsOptions): SessionEnds {
  const { hub, telemetry } = options;
  const clock = options.clock ?? Date.now;
  // jti → expiry (epoch ms).
  const revoked = new Map<string, number>();
  const readiness = createStreamReadiness();

  const end = (connection: ChatConnection, reason: 'revoked' | 'expired') => {
    telemetry.event('chat.session.ended', { userId: connection.userId, connection: connection.id, reason });
    connection.socket.close(chatCloseCodes.sessionEnded, `token ${reason}`);
  };

  function onMessage(message: { data: unknown }): void {
    const data = message.data as Partial<TokenRevokedEvent> | null;
    if (!data || !isJti(data.jti) || typeof data.exp !== 'number') {
      telemetry.warn('ignored a malformed revocation', { topic: busTopics.tokenRevoked });
      return;
    }
    const now = clock();
    for (const [jti, expiresAt] of revoked) if (expiresAt <= now) revoked.delete(jti);
    revoked.set(data.jti, data.exp * 1000);
    for (const connection of hub.byToken(data.jti)) end(connection, 'revoked');
  }

  function onStatus(status: BusSubscriptionStatus): void {
    readiness.update(status);
    if (status.state !== 'lost') return;
    telemetry.event('chat.revocations.lost', { afterSeq: status.afterSeq });
    telemetry.warn('token revocations may have been missed; sockets of those tokens stay open until they expire', { afterSeq: status.afterSeq });
  }

  const subscription = options.bus.subscribe<TokenRevokedEvent>(busTopics.tokenRevoked, { onMessage, onStatus });
  return {
    isRevoked(tokenId) {
      const expiresAt = revoked.get(tokenId);
      return expiresAt !== undefined && expiresAt > clock();
    },
    whenConnected: (timeoutMs) => readiness.whenConnected(timeoutMs),
    watchExpiry(connection) {
      const expiresAt = connection.tokenExpiresAt;
      let timer: NodeJS.Timeout;
      const arm = () => {
        const left = expiresAt - clock();
        if (left <= 0) return end(connection, 'expired');
        timer = setTimeout(arm, Math.min(left, maxTimerMs));
        timer.unref();
      };
      arm();
      return () => clearTimeout(timer);
    },
    close: () => subscription.close(),
  };
}
