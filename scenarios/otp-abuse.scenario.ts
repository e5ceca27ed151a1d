import { defineScenario } from '@topolab/runtime/dsl';

/** A 6-digit code that is not `code`. */
function otherCode(code: string, offset: number): string {
  return String((Number(code) + offset) % 1_000_000).padStart(6, '0');
}

/**
 * What an attacker tries against one-time codes: guessing, replaying an old or used code,
 * abusing resend to skip the password, and pumping SMS. Not shown: expiry after 5 minutes
 * (AUTH_OTP_EXPIRED) — the scenario cannot move auth's clock, and waiting is out of question.
 */
export default defineScenario({
  name: 'otp-abuse',
  summary: 'One-time codes resist guessing (dead after 5 wrong tries), replay (a resent code replaces the old one, a used code is refused) and SMS pumping (5 codes per 15 minutes).',
  async run(ctx) {
    const person = ctx.users.fresh({ firstName: 'Mallory' });
    const verify = (code: string) => ctx.gateway.post('/auth/verify', { username: person.username, code });

    const firstCode = await ctx.step('a new account waits for its registration code', async () => {
      const since = Date.now();
      ctx.expect(await ctx.gateway.post('/auth/register', person)).toHaveStatus(201);
      return ctx.phone.lastCode(person.phone, { since });
    });

    await ctx.step('five wrong guesses are refused; after them even the right code is dead', async () => {
      for (let attempt = 1; attempt <= 5; attempt++) {
        ctx.expect(await verify(otherCode(firstCode, attempt))).toHaveStatus(401, 'AUTH_OTP_INVALID');
      }
      ctx.expect(await verify(firstCode)).toHaveStatus(401, 'AUTH_OTP_EXHAUSTED');
      const login = await ctx.gateway.post('/auth/login', { username: person.username, password: person.password });
      ctx.expect(login).toHaveStatus(403, 'AUTH_NOT_VERIFIED');
      ctx.note('a million codes, five tries each: 1 chance in 200 000 per code, and new codes are capped too (see below)');
    });

    const secondCode = await ctx.step('resend: a new code replaces the old one, which no longer works', async () => {
      const since = Date.now();
      const resent = await ctx.gateway.post('/auth/resend', { username: person.username, purpose: 'registration' });
      ctx.expect(resent).toHaveStatus(202);
      const code = await ctx.phone.lastCode(person.phone, { since });
      if (code !== firstCode) ctx.expect(await verify(firstCode)).toHaveStatus(401, 'AUTH_OTP_INVALID');
      ctx.note('only the newest code of a user and purpose counts; auth marked the older one superseded');
      return code;
    });

    await ctx.step('the new code verifies the account; replaying it is refused', async () => {
      ctx.expect(await verify(secondCode)).toHaveStatus(200);
      ctx.expect(await verify(secondCode)).toHaveStatus(409, 'AUTH_ALREADY_VERIFIED');
    });

    await ctx.step('a login code works once: the same code a second time is refused as used', async () => {
      const since = Date.now();
      ctx.expect(await ctx.gateway.post('/auth/login', { username: person.username, password: person.password })).toHaveStatus(202);
      const code = await ctx.phone.lastCode(person.phone, { since });
      ctx.expect(await ctx.gateway.post('/auth/login/verify', { username: person.username, code })).toHaveStatus(200);
      const replay = await ctx.gateway.post<{ accessToken?: string }>('/auth/login/verify', { username: person.username, code });
      ctx.expect(replay).toHaveStatus(401, 'AUTH_OTP_USED');
      ctx.expect(replay.body.accessToken).toBeUndefined();
    });

    await ctx.step('resend cannot skip the password: no login code is sent without a pending login', async () => {
      const before = (await ctx.phone.messages(person.phone)).length;
      const resent = await ctx.gateway.post('/auth/resend', { username: person.username, purpose: 'login' });
      ctx.expect(resent).toHaveStatus(202);
      const unknown = await ctx.gateway.post('/auth/resend', { username: `${person.username}-nobody`, purpose: 'login' });
      ctx.expect(unknown).toHaveStatus(202);
      ctx.expect(unknown.body).toEqual(resent.body);
      ctx.expect((await ctx.phone.messages(person.phone)).length).toBe(before);
      ctx.note('the same 202 for every case, so resend reveals neither the account nor whether a code went out');
    });

    await ctx.step('SMS pumping: after 5 login codes in 15 minutes, auth refuses to send more', async () => {
      const before = (await ctx.phone.messages(person.phone)).length;
      // One login code was issued above; a password step and three resends make five.
      ctx.expect(await ctx.gateway.post('/auth/login', { username: person.username, password: person.password })).toHaveStatus(202);
      for (let i = 0; i < 3; i++) {
        ctx.expect(await ctx.gateway.post('/auth/resend', { username: person.username, purpose: 'login' })).toHaveStatus(202);
      }
      const pumped = await ctx.gateway.post('/auth/resend', { username: person.username, purpose: 'login' });
      ctx.expect(pumped).toHaveStatus(429, 'AUTH_OTP_TOO_MANY');
      ctx.expect(Number(pumped.headers['retry-after'])).toBeGreaterThan(0);
      const again = await ctx.gateway.post('/auth/login', { username: person.username, password: person.password });
      ctx.expect(again).toHaveStatus(429, 'AUTH_OTP_TOO_MANY');
      const sent = await ctx.waitFor(async () => {
        const count = (await ctx.phone.messages(person.phone)).length - before;
        return count >= 4 ? count : undefined;
      }, { timeout: 2000, message: 'the four new login codes on the phone' });
      ctx.expect(sent).toBe(4);
      ctx.note(`Retry-After: ${pumped.headers['retry-after']} s: at most 5 texts per account and purpose in any 15 minutes, whoever asks`);
    });

    await ctx.step('not shown: a code older than 5 minutes is refused as expired (AUTH_OTP_EXPIRED)', () => {
      ctx.note('the lab cannot move auth’s clock, and a 5-minute wait has no place in a scenario');
    });
  },
});
