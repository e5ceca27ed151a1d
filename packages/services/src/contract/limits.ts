/** The gateway's rate-limit and blacklist settings; replaceable at run time. */
export interface LimitSettings {
  /** Token-bucket refill per client address and per user, requests per second; 0 turns rate limiting off. @default 50 */
  readonly rateLimitRps: number;
  /** Token-bucket size: how many requests may arrive at once after a quiet spell. @default 100 */
  readonly rateLimitBurst: number;
  /** 401/429 answers within the window after which a client address is blocked; 0 turns the blacklist off. @default 20 */
  readonly blacklistThreshold: number;
  /** The window in which those answers are counted, ms. @default 10000 */
  readonly blacklistWindowMs: number;
  /** How long a blocked client address stays blocked, ms. @default 30000 */
  readonly blacklistBlockMs: number;
}

/** The settings a gateway starts with when nobody names others. */
export const defaultLimitSettings: LimitSettings = Object.freeze({
  rateLimitRps: 50,
  rateLimitBurst: 100,
  blacklistThreshold: 20,
  blacklistWindowMs: 10_000,
  blacklistBlockMs: 30_000,
});
