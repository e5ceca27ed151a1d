import type { Telemetry } from '../kit/telemetry.js';
import type { HashOptions } from './passwords.js';
import type { EventRelay } from './event-relay.js';
import type { OtpCodes } from './otp.js';
import type { RecoveryCodes } from './recovery-codes.js';
import type { TokenLifetimes } from './refresh.js';
import type { SmsSender } from './sms-sender.js';
import type { AuthStore } from './store.js';
import type { TokenEvents } from './token-events.js';
import type { AccessTokens } from './tokens.js';

/** What every auth route handler works with. */
export interface AuthDeps {
  readonly store: AuthStore;
  readonly otp: OtpCodes;
  /** The single-use recovery codes of authenticator users. */
  readonly recovery: RecoveryCodes;
  readonly sms: SmsSender;
  readonly tokens: AccessTokens;
  readonly telemetry: Telemetry;
  /** Epoch ms now. */
  readonly clock: () => number;
  readonly lifetimes: TokenLifetimes;
  /** Writes token states to the global cache and publishes on the bus (best effort). */
  readonly events: TokenEvents;
  /** Publishes the outbox: kicked right after a transaction that appended a domain event. */
  readonly relay: Pick<EventRelay, 'kick'>;
  /** Cost of new password hashes (and of the dummy one unknown users are checked against). */
  readonly passwordCost: HashOptions;
}
