import { decodeUnverified } from '../../kit/token-cache/token-facts.js';
import type { AuthMode, TokenCheck } from './auth-mode.js';

const refused: TokenCheck = Object.freeze({ active: false });

/**
 * The bench-only auth mode `none`: no verification at all. The token is only decoded and its
 * `sub` named as the user (with its jti and exp), so a bench row through it shows what the other modes' check
 * costs. Anyone can forge a token it accepts: the factory builds it only for a gateway started
 * with `TOPOLAB_BENCH_NO_AUTH=1`, which only `topolab bench` sets.
 */
export function createNoAuth(): AuthMode {
  return {
    name: 'none',
    check(token) {
      const claims = decodeUnverified(token);
      return Promise.resolve(claims ? { active: true, userId: claims.sub, token: { jti: claims.jti, exp: claims.exp } } : refused);
    },
    close() {},
  };
}
