import { defineScenario } from '@topolab/runtime/dsl';
import { chunked, describeExchange, exchangeRaw, rawGateway, rawRequest } from './support/raw-http.js';
import { smuggledRegistration, smugglingAttempts } from './support/smuggling.js';

interface ProfileAnswer {
  readonly profile: { readonly userId: string; readonly displayName: string; readonly bio: string };
}

/**
 * The gateway is the door: what passes it reaches the services with the path it normalised, the
 * framing it checked and the user it vouches for in a signed assertion (services trust nothing
 * else: see zero-trust). Each step tries to slip something past it.
 */
export default defineScenario({
  name: 'gateway-hardening',
  summary: 'Dot-segment paths, a spoofed x-user-id, hop-by-hop and Trailer headers, an oversize body and request-smuggling attempts are all stopped at the gateway.',
  async run(ctx) {
    const host = new URL(rawGateway(ctx).url).host;
    const [owner, victim] = await ctx.step('two users with profiles: the owner (attacker) and the victim', async () => {
      const users = [await ctx.users.signUp({ firstName: 'Eve' }), await ctx.users.signUp({ firstName: 'Alice' })] as const;
      for (const [user, displayName] of [[users[0], 'Eve'], [users[1], 'Alice']] as const) {
        ctx.expect(await ctx.gateway.post('/profile', { displayName, bio: 'untouched' }, { token: user.accessToken })).toHaveStatus(201);
      }
      return users;
    });
    const victimProfileIsUntouched = async () => {
      const answer = await ctx.gateway.get<ProfileAnswer>('/profile/me', { token: victim.accessToken });
      ctx.expect(answer).toHaveStatus(200);
      ctx.expect(answer.body.profile).toMatchObject({ userId: victim.userId, displayName: 'Alice', bio: 'untouched' });
    };

    await ctx.step('dot segments, plain or encoded, never reach a route: 400 GATEWAY_PATH_INVALID', async () => {
      const paths = [
        '/profile/../auth/introspect',
        '/profile/./me',
        '/profile/%2e%2e/auth/introspect',
        '/profile/.%2E/auth/introspect',
        '/profile/%252e%252e/auth/introspect',
        '/profile%2f..%2fauth/introspect',
        '/profile/..%5cauth/introspect',
        '/profile//me',
      ];
      for (const path of paths) ctx.expect(await ctx.gateway.get(path, { token: owner.accessToken })).toHaveStatus(400, 'GATEWAY_PATH_INVALID');
      ctx.note('the gateway inspects every layer of percent-encoding: an upstream that decodes twice would otherwise see ../');
      const decoded = await ctx.gateway.get('/%61uth/me', { token: owner.accessToken });
      ctx.expect(decoded).toHaveStatus(200);
      ctx.note('harmless encodings are normalised instead: /%61uth/me routes as /auth/me');
    });

    await ctx.step('the gateway is no forward proxy: an absolute-form target and CONNECT go nowhere', async () => {
      // A gateway that honoured either could be aimed at any host behind it.
      const absolute = await exchangeRaw(rawGateway(ctx), rawRequest([`GET http://internal.example/auth/introspect HTTP/1.1`, `Host: ${host}`, 'Connection: close']));
      ctx.expect(absolute.responses).toHaveLength(1);
      ctx.expect(absolute.responses[0]!).toHaveStatus(400, 'GATEWAY_PATH_INVALID');
      ctx.note(`GET http://internal.example/… — the gateway ${describeExchange(absolute)}`);
      const tunnel = await exchangeRaw(rawGateway(ctx), rawRequest([`CONNECT internal.example:443 HTTP/1.1`, 'Host: internal.example:443']));
      ctx.expect(tunnel.responses.filter((response) => response.status >= 200 && response.status < 300)).toHaveLength(0);
      ctx.expect(tunnel.closedByServer).toBe(true);
      ctx.note(`CONNECT internal.example:443 — the gateway ${describeExchange(tunnel)}: no tunnel`);
    });

    await ctx.step('internal routes do not exist from outside: 404 GATEWAY_ROUTE_NOT_FOUND', async () => {
      ctx.expect(await ctx.gateway.post('/auth/introspect', { token: victim.accessToken }, { token: owner.accessToken })).toHaveStatus(404, 'GATEWAY_ROUTE_NOT_FOUND');
      ctx.expect(await ctx.gateway.get(`/sms/messages?to=${encodeURIComponent(victim.phone)}`)).toHaveStatus(404, 'GATEWAY_ROUTE_NOT_FOUND');
    });

    await ctx.step('a spoofed x-user-id is dropped: the owner of the token is who the gateway vouches for', async () => {
      for (const header of ['x-user-id', 'X-User-Id', 'x_user_id']) {
        const read = await ctx.gateway.get<ProfileAnswer>('/profile/me', { token: owner.accessToken, headers: { [header]: victim.userId } });
        ctx.expect(read).toHaveStatus(200);
        ctx.expect(read.body.profile.userId).toBe(owner.userId);
      }
      const write = await ctx.gateway.post<ProfileAnswer>('/profile/update', { bio: 'spoofed' }, { token: owner.accessToken, headers: { 'x-user-id': victim.userId } });
      ctx.expect(write).toHaveStatus(200);
      ctx.expect(write.body.profile.userId).toBe(owner.userId);
      ctx.expect(await ctx.gateway.get('/profile/me', { headers: { 'x-user-id': victim.userId } })).toHaveStatus(401, 'GATEWAY_UNAUTHENTICATED');
      await victimProfileIsUntouched();
      ctx.note('x_user_id too: some servers read underscores as dashes, so the gateway treats them alike');
    });

    await ctx.step('hop-by-hop headers stay on the first hop', async () => {
      // A header named in Connection is for this hop only: auth never sees the Content-Type.
      const body = JSON.stringify({ username: owner.username, password: owner.password });
      const named = await exchangeRaw(
        rawGateway(ctx),
        rawRequest([`POST /auth/login HTTP/1.1`, `Host: ${host}`, 'Content-Type: application/json', `Content-Length: ${body.length}`, 'Connection: close, Content-Type'], body),
      );
      ctx.expect(named.responses).toHaveLength(1);
      ctx.expect(named.responses[0]!).toHaveStatus(415, 'HTTP_UNSUPPORTED_MEDIA_TYPE');
      ctx.note(`POST /auth/login with Connection: close, Content-Type — the gateway ${describeExchange(named)}`);
      ctx.note('Content-Type was named as hop-by-hop, so the gateway dropped it before forwarding and auth refused the body');
      const upgrade = await exchangeRaw(
        rawGateway(ctx),
        rawRequest([`GET /auth/.well-known/jwks.json HTTP/1.1`, `Host: ${host}`, 'Connection: Upgrade, close', 'Upgrade: websocket', 'Keep-Alive: timeout=600', 'Proxy-Authorization: Basic Zm9vOmJhcg==']),
      );
      ctx.expect(upgrade.responses).toHaveLength(1);
      ctx.expect(upgrade.responses[0]!).toHaveStatus(200);
      ctx.note(`GET with Upgrade: websocket, Keep-Alive and Proxy-Authorization — the gateway ${describeExchange(upgrade)}`);
      ctx.note('the gateway passes a WebSocket handshake on, but auth serves no WebSocket: its plain answer comes back, no protocol switch behind its back');
    });

    await ctx.step('a Trailer cannot carry an identity past the gateway', async () => {
      const body = chunked([JSON.stringify({ bio: 'set with a trailer' })], [`x-user-id: ${victim.userId}`]);
      const exchange = await exchangeRaw(
        rawGateway(ctx),
        rawRequest(
          [`POST /profile/update HTTP/1.1`, `Host: ${host}`, `Authorization: Bearer ${owner.accessToken}`, 'Content-Type: application/json', 'Transfer-Encoding: chunked', 'Trailer: x-user-id', 'Connection: close'],
          body,
        ),
      );
      ctx.expect(exchange.responses).toHaveLength(1);
      const [answer] = exchange.responses;
      ctx.note(`chunked POST /profile/update with the trailer x-user-id: <victim> — the gateway ${describeExchange(exchange)}`);
      ctx.expect(answer!).toHaveStatus(200);
      ctx.expect(answer!.body).toMatchObject({ profile: { userId: owner.userId, bio: 'set with a trailer' } });
      ctx.note('the owner’s profile changed, not the victim’s: identity comes from the token, never from a trailer');
      await victimProfileIsUntouched();
    });

    await ctx.step('a body over 1 MiB is refused before it is read: 413', async () => {
      const huge = await ctx.gateway.post('/profile/update', { bio: 'x'.repeat(1024 * 1024 + 16) }, { token: owner.accessToken });
      ctx.expect(huge).toHaveStatus(413, 'GATEWAY_BODY_TOO_LARGE');
      // The declared length is a lie: what follows it must not be read as the next request.
      const smuggledUser = ctx.users.fresh();
      const exchange = await exchangeRaw(
        rawGateway(ctx),
        rawRequest([`POST /profile/update HTTP/1.1`, `Host: ${host}`, `Authorization: Bearer ${owner.accessToken}`, 'Content-Type: application/json', `Content-Length: ${2 * 1024 * 1024}`], smuggledRegistration(host, smuggledUser)),
      );
      ctx.note(`Content-Length: 2 MiB, with a whole registration as the first bytes of the body — the gateway ${describeExchange(exchange)}`);
      ctx.expect(exchange.responses).toHaveLength(1);
      ctx.expect(exchange.responses[0]!).toHaveStatus(413, 'GATEWAY_BODY_TOO_LARGE');
      ctx.expect(exchange.closedByServer).toBe(true);
      ctx.expect(await ctx.phone.messages(smuggledUser.phone)).toHaveLength(0);
    });

    await ctx.step('control: two honest requests pipelined on one connection get two answers', async () => {
      const get = rawRequest([`GET /auth/.well-known/jwks.json HTTP/1.1`, `Host: ${host}`]);
      const exchange = await exchangeRaw(rawGateway(ctx), get + rawRequest([`GET /auth/.well-known/jwks.json HTTP/1.1`, `Host: ${host}`, 'Connection: close']));
      ctx.expect(exchange.responses.map((response) => response.status)).toEqual([200, 200]);
      ctx.note('so a hidden request that got parsed would show up below as a second answer');
    });

    const smuggled = Array.from({ length: 7 }, () => ctx.users.fresh());
    const hidden = smuggled.map((user) => smuggledRegistration(host, user));
    for (const attempt of smugglingAttempts(host, (index) => hidden[index]!)) {
      await ctx.step(`request smuggling: ${attempt.title} → 400, connection closed`, async () => {
        const exchange = await exchangeRaw(rawGateway(ctx), attempt.bytes);
        ctx.note(`the gateway ${describeExchange(exchange)}`);
        ctx.expect(exchange.responses.map((response) => response.status)).toEqual([400]);
        ctx.expect(exchange.closedByServer).toBe(true);
      });
    }

    await ctx.step('none of the hidden registrations ran', async () => {
      for (const user of smuggled) ctx.expect(await ctx.phone.messages(user.phone)).toHaveLength(0);
      const first = smuggled[0]!;
      ctx.expect(await ctx.gateway.post('/auth/register', first)).toHaveStatus(201);
      ctx.note(`${first.username} was still free: the request hidden behind the first attempt never reached auth`);
      ctx.note('these 400s come from Node’s strict HTTP parser (llhttp), before any gateway code runs');
    });
  },
});
