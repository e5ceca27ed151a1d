import { defineScenario, type ScenarioContext } from '@topolab/runtime/dsl';
import { exchangeRaw, rawGateway, rawRequest, type RawResponse } from './support/raw-http.js';

type GatewayAnswer = Awaited<ReturnType<ScenarioContext['gateway']['get']>>;

const limits = { rateLimitRps: 5, rateLimitBurst: 10, blacklistThreshold: 5, blacklistWindowMs: 10_000, blacklistBlockMs: 1000 };

/** One GET from `localAddress` (a second client on the same machine), on a connection of its own. */
async function getFrom(ctx: ScenarioContext, localAddress: string, path: string, token?: string): Promise<RawResponse> {
  const host = new URL(rawGateway(ctx).url).host;
  const lines = [`GET ${path} HTTP/1.1`, `Host: ${host}`, 'Connection: close', ...(token === undefined ? [] : [`Authorization: Bearer ${token}`])];
  const exchange = await exchangeRaw(rawGateway(ctx), rawRequest(lines), { localAddress, timeoutMs: 3000 });
  const [answer] = exchange.responses;
  if (answer === undefined) throw new Error(`No answer to GET ${path} from ${localAddress}.`);
  return answer;
}

/**
 * The seed's "rate limiters in the gateway, and they will blacklist": a token bucket per
 * client address (and per user), 429 with Retry-After when it is empty, and a block (403) for
 * an address that keeps collecting 401s and 429s.
 */
export default defineScenario({
  name: 'rate-limit-blacklist',
  summary: 'A burst empties the token bucket (429 with Retry-After); an address that keeps collecting 401s or 429s is blocked with 403 GATEWAY_CLIENT_BLOCKED, then let back in.',
  topology: { limits },
  async run(ctx) {
    const jwks = '/auth/.well-known/jwks.json';
    // Every address in 127.0.0.0/8 is loopback on Linux: a second client without a second machine.
    const secondClient = process.platform === 'linux' ? '127.0.0.2' : undefined;

    const startedAt = Date.now();
    const user = await ctx.step(`the gateway allows ${limits.rateLimitRps} req/s per address, bursts of ${limits.rateLimitBurst}; a user signs up within that`, () =>
      ctx.users.signUp({ firstName: 'Radia' }),
    );

    await ctx.step('a burst from one address: served until the bucket is empty, then 429 with Retry-After', async () => {
      let served = 0;
      let limited: GatewayAnswer | undefined;
      while (served < 50 && limited === undefined) {
        const answer = await ctx.gateway.get(jwks);
        if (answer.status === 429) limited = answer;
        else ctx.expect(answer).toHaveStatus(200);
        if (answer.status === 200) served += 1;
      }
      ctx.expect(limited).toBeDefined();
      ctx.expect(limited!).toHaveStatus(429, 'GATEWAY_RATE_LIMITED');
      ctx.expect(Number(limited!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // The bucket holds `burst` tokens and earns `rps` a second back; the sign-up spent some.
      const earned = Math.ceil((limits.rateLimitRps * (Date.now() - startedAt)) / 1000);
      ctx.expect(served).toBeLessThanOrEqual(limits.rateLimitBurst + earned);
      ctx.note(`${served} served (what the sign-up left of the bucket), then 429 with Retry-After: ${limited!.headers['retry-after']} s`);
    });

    const blockedAt = await ctx.step(`keep hammering: ${limits.blacklistThreshold} refusals in ${limits.blacklistWindowMs / 1000} s and the address is blocked (403)`, async () => {
      // The burst's 429 was the first strike.
      let strikes = 1;
      let blocked: GatewayAnswer | undefined;
      for (let i = 0; i < 50 && blocked === undefined; i++) {
        const answer = await ctx.gateway.get(jwks);
        if (answer.status === 403) blocked = answer;
        else if (answer.status === 429) strikes += 1;
        else ctx.expect(answer).toHaveStatus(200);
      }
      ctx.expect(blocked).toBeDefined();
      ctx.expect(blocked!).toHaveStatus(403, 'GATEWAY_CLIENT_BLOCKED');
      ctx.expect(strikes).toBe(limits.blacklistThreshold);
      ctx.expect(Number(blocked!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // Even a valid token does not help: the block is on the address, checked before anything else.
      ctx.expect(await ctx.gateway.get('/auth/me', { token: user.accessToken })).toHaveStatus(403, 'GATEWAY_CLIENT_BLOCKED');
      // Nor does claiming to be someone else: the gateway keys on the socket's address, never on a header.
      const disguised = await ctx.gateway.get('/auth/me', { token: user.accessToken, headers: { 'x-forwarded-for': '203.0.113.7', forwarded: 'for=203.0.113.7' } });
      ctx.expect(disguised).toHaveStatus(403, 'GATEWAY_CLIENT_BLOCKED');
      ctx.note(`blocked after ${strikes} × 429; Retry-After: ${blocked!.headers['retry-after']} s; a valid token or a forged X-Forwarded-For change nothing`);
      return Date.now();
    });

    if (secondClient !== undefined) {
      await ctx.step(`another address (${secondClient}) is still served`, async () => {
        const answer = await getFrom(ctx, secondClient, '/auth/me', user.accessToken);
        ctx.expect(answer).toHaveStatus(200);
        ctx.note(`GET /auth/me from ${secondClient} → ${answer.status}: the block is per address, and this one has a full bucket`);
      });

      await ctx.step(`repeated 401s block that address too: guessing tokens ends in 403`, async () => {
        for (let attempt = 1; attempt <= limits.blacklistThreshold; attempt++) {
          ctx.expect(await getFrom(ctx, secondClient, '/auth/me', `guess.${attempt}.token`)).toHaveStatus(401, 'GATEWAY_TOKEN_INVALID');
        }
        ctx.expect(await getFrom(ctx, secondClient, '/auth/me', user.accessToken)).toHaveStatus(403, 'GATEWAY_CLIENT_BLOCKED');
        ctx.note(`from ${secondClient}: ${limits.blacklistThreshold} × 401 GATEWAY_TOKEN_INVALID, then 403 GATEWAY_CLIENT_BLOCKED even with the valid token`);
        ctx.note('a token guesser is cut off after a handful of tries, even before the rate limit bites');
      });
    } else {
      ctx.note('the 401 part needs a second loopback address (Linux only); skipped here');
    }

    await ctx.step(`after ${limits.blacklistBlockMs} ms the block lifts and the user is served again`, async () => {
      await ctx.waitFor(async () => (await ctx.gateway.get('/auth/me', { token: user.accessToken })).status === 200, {
        timeout: limits.blacklistBlockMs + 2000,
        interval: 250,
        message: 'the block to lift',
      });
      ctx.note(`served again ${Date.now() - blockedAt} ms after the block began`);
    });
  },
});
