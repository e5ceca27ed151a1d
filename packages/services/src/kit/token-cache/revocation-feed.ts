import { busTopics, type TokenRevokedEvent } from '../../contract/bus-api.js';
import type { BusClient, BusSubscription, BusSubscriptionStatus } from '../clients/bus-client.js';
import type { Telemetry } from '../telemetry.js';
import { isJti } from './token-facts.js';
import type { TokenVerdicts } from './token-verdicts.js';

/** Names of the events a feed reports its health with. */
export interface FeedEventNames {
  readonly degraded: string;
  readonly restored: string;
}

/** Options of followRevocations. */
export interface RevocationFeedOptions {
  readonly bus: Pick<BusClient, 'subscribe'>;
  /** Receives every revocation, and the degraded state. */
  readonly verdicts: TokenVerdicts;
  readonly telemetry: Telemetry;
  /** Who follows, named in events (`local`, `sidecar`). */
  readonly mode: string;
  /** @default { degraded: 'gateway.auth.degraded', restored: 'gateway.auth.restored' } */
  readonly events?: FeedEventNames;
  /** How long the first connection may take before being unconnected is reported. @default 3000 */
  readonly startGraceMs?: number;
  /**
   * After a reconnection (not the first connection), how long verdicts stay under the
   * fallback-TTL rule: a revocation auth failed to publish during the outage sits in auth's
   * outbox, retried at most 2 s apart with a 1 s publish timeout, so by then it is on the bus. @default 3000
   */
  readonly settleMs?: number;
  /** Epoch ms now. @default Date.now */
  readonly clock?: () => number;
}

/** A live follower of `token.revoked`. */
export interface RevocationFeed {
  /** True while revocations may be missed: not yet connected, disconnected, or messages lost. */
  readonly degraded: boolean;
  /**
   * Whether every revocation of a token issued at `iat` (epoch seconds) has reached this feed:
   * false for tokens older than the current unbroken stream (they were issued before this
   * follower started, or before messages were lost), which need one check with auth.
   */
  knowsHistoryOf(iat: number | undefined): boolean;
  /**
   * Goes on following (and degrading its verdicts), but reports no new degradation: the instance
   * is stopping, and the bus stopping beside it is the shutdown, not an outage worth a warning.
   */
  quiet(): void;
  close(): void;
}

/** Default of `settleMs`. */
export const defaultRevocationSettleMs = 3000;

/**
 * Follows `token.revoked` on the bus into `verdicts`. While the stream is not connected, for
 * `settleMs` after it reconnects, or after messages were lost, the verdicts are degraded (the
 * fallback-TTL rule, see TokenVerdicts); `lost` also forgets every verdict. A degradation is
 * reported once, as the event `events.degraded` `{ mode, reason }` and a warning, and the
 * reconnection as `events.restored`.
 *
 * A reconnection resumes after the last seq the subscription reached (the bus client reads the
 * topic's seq on its first connection), so revocations published meanwhile are replayed and
 * the history stays complete; only `lost` restarts it.
 *
 * Bounds (with the defaults: 3 s idle timeout, 1 s fallback TTL): a bus that stops (connection
 * refused or reset) is noticed at once, so a token revoked meanwhile is accepted at most the
 * fallback TTL after its revocation; a bus silently stalled (SIGSTOP) is noticed after the
 * client's idle timeout, so at most idle timeout + fallback TTL (4 s) after it.
 */
export function followRevocations(options: RevocationFeedOptions): RevocationFeed {
  const { verdicts, telemetry, mode } = options;
  const clock = options.clock ?? Date.now;
  const events = options.events ?? { degraded: 'gateway.auth.degraded', restored: 'gateway.auth.restored' };
  // Revocations are known from this moment on (Infinity: from no moment yet).
  let completeSince = Number.POSITIVE_INFINITY;
  let resync = true;
  let announced = false;
  let closed = false;
  let quieted = false;
  let everConnected = false;
  let settle: NodeJS.Timeout | undefined;
  const settleMs = options.settleMs ?? defaultRevocationSettleMs;
  verdicts.setDegraded(true);

  function announce(reason: string): void {
    if (announced || closed || quieted) return;
    announced = true;
    clearTimeout(grace);
    telemetry.event(events.degraded, { mode, reason });
    telemetry.warn('token revocations may be missed; cached verdicts now live only for the fallback TTL', { mode, reason });
  }

  // The first connection needs the catalog, which may still be loading: report only if it takes long.
  const grace = setTimeout(() => verdicts.degraded && announce('the bus is not connected yet'), options.startGraceMs ?? 3000);
  grace.unref();

  function onStatus(status: BusSubscriptionStatus): void {
    clearTimeout(settle);
    if (status.state === 'connected') {
      if (resync) {
        verdicts.clear();
        completeSince = clock();
        resync = false;
      }
      // Revocations that failed to reach the bus during the outage are still being retried by auth.
      if (!everConnected || settleMs === 0) verdicts.setDegraded(false);
      else {
        settle = setTimeout(() => verdicts.setDegraded(false), settleMs);
        settle.unref();
      }
      everConnected = true;
      clearTimeout(grace);
      if (announced) {
        announced = false;
        telemetry.event(events.restored, { mode });
        telemetry.info('token revocations flow again', { mode });
      }
      return;
    }
    verdicts.setDegraded(true);
    if (status.state === 'lost') {
      verdicts.clear();
      completeSince = Number.POSITIVE_INFINITY;
      resync = true;
      return announce('revocation messages were lost');
    }
    if (completeSince !== Number.POSITIVE_INFINITY || options.startGraceMs === 0) announce(status.reason);
  }

  function onMessage(message: { data: unknown }): void {
    const data = message.data as Partial<TokenRevokedEvent> | null;
    if (!data || !isJti(data.jti) || typeof data.exp !== 'number') {
      telemetry.warn('ignored a malformed revocation', { topic: busTopics.tokenRevoked, mode });
      return;
    }
    verdicts.revoke(data.jti, data.exp);
  }

  const subscription: BusSubscription = options.bus.subscribe<TokenRevokedEvent>(busTopics.tokenRevoked, { onMessage, onStatus });
  return {
    get degraded() {
      return verdicts.degraded;
    },
    knowsHistoryOf(iat) {
      return !verdicts.degraded && iat !== undefined && iat * 1000 > completeSince;
    },
    quiet() {
      quieted = true;
      clearTimeout(grace);
    },
    close() {
      closed = true;
      clearTimeout(grace);
      clearTimeout(settle);
      subscription.close();
    },
  };
}
