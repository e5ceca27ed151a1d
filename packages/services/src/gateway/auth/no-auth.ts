import { decodeJwt } from 'jose';
import { isUserId } from '../../kit/token-cache/token-facts.js';
import type { AuthMode, TokenCheck } from './auth-mode.js';

const refused: TokenCheck = Object.freeze({ active: false });

/**
 * The bench-only auth mode `none`: no verification at all. The token is only decoded and its
 * `sub` forwarded as the user, so a bench row through it shows what the other modes' check
 * costs. Anyone can forge a token it accepts: the factory builds it only for a gateway started
 * with `TOPOLAB_BENCH_NO_AUTH=1`, which only `topolab bench` sets.
 */
export function createNoAuth(): AuthMode {
  return {
    name: 'none',
    check(token) {
      let sub: unknown;
      try {
        sub = decodeJwt(token).sub;
      } catch {
        return Promise.resolve(refused);
      }
      return Promise.resolve(isUserId(sub) ? { active: true, userId: sub } : refused);
    },
    close() {},
  };
}
