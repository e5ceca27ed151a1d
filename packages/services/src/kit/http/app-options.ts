import type { ConsumerStore } from '../events/consumer-store.js';
import type { IdentityVerifier } from '../identity/identity-verifier.js';
import type { ServiceGuard } from '../service-auth/guard.js';
import type { Telemetry } from '../telemetry.js';

/** What every service app that keeps a store and consumes auth's domain events takes besides its own parts. */
export interface ServiceAppOptions {
  readonly telemetry: Telemetry;
  /** Epoch ms now. @default Date.now */
  readonly clock?: () => number;
  /** Largest request body the app reads. @default 1048576 */
  readonly bodyLimit?: number;
  /** Checks the service tokens of internal routes (main.ts: against auth's keys). */
  readonly serviceAuth?: ServiceGuard;
  /** Checks the gateway's identity assertions: the user of each request (main.ts: with the gateways' public key). */
  readonly identity?: IdentityVerifier;
  /** The domain events applied (main.ts: the consumer's store). @default openConsumerStore(store.db) */
  readonly appliedEvents?: Pick<ConsumerStore, 'cursor' | 'page'>;
}
