import { defineScenario } from '@topolab/runtime/dsl';

interface Registered {
  readonly userId: string;
  readonly username: string;
  readonly verification: string;
}

/**
 * The seed's registration: the user row starts `verified: false`, a one-time code goes to the
 * phone through the SMS service, and only the right code flips it.
 */
export default defineScenario({
  name: 'registration-2fa',
  summary: 'Register through the gateway, receive an SMS code, verify the phone number; refusals for weak input, wrong codes and a taken username.',
  async run(ctx) {
    const person = ctx.users.fresh({ firstName: 'Ada' });

    await ctx.step('the gateway refuses a weak password and a phone number that is not E.164', async () => {
      const weak = await ctx.gateway.post('/auth/register', { ...person, password: 'short1' });
      ctx.expect(weak).toHaveStatus(400, 'AUTH_PASSWORD_WEAK');
      const badPhone = await ctx.gateway.post('/auth/register', { ...person, phone: '07700 900123' });
      ctx.expect(badPhone).toHaveStatus(400, 'AUTH_PHONE_INVALID');
      ctx.expect(await ctx.phone.messages(person.phone)).toHaveLength(0);
      ctx.note('auth validated the input before storing anything, and no SMS was sent');
    });

    const registeredAt = Date.now();
    const registered = await ctx.step('register: the gateway routes /auth/register to auth, which asks sms to text a code', async () => {
      const answer = await ctx.gateway.post<Registered>('/auth/register', person);
      ctx.expect(answer).toHaveStatus(201);
      ctx.expect(answer.body).toMatchObject({ username: person.username, verification: 'sms' });
      ctx.expect(answer.body.userId).toMatch(/^[0-9a-f-]{36}$/);
      return answer.body;
    });

    const code = await ctx.step('the phone receives a registration code addressed by first name', async () => {
      const received = await ctx.phone.lastCode(person.phone, { since: registeredAt });
      ctx.expect(received).toMatch(/^\d{6}$/);
      const [newest] = await ctx.phone.messages(person.phone);
      ctx.expect(newest?.type).toBe('otp');
      ctx.expect(newest?.text ?? '').toContain(`Hi ${person.firstName}`);
      ctx.expect(newest?.text ?? '').toContain('registration code');
      ctx.note('the SMS service filled its otp template; auth keeps only an HMAC of the code, with an expiry');
      return received;
    });

    await ctx.step('until the phone is verified, logging in is refused', async () => {
      const login = await ctx.gateway.post('/auth/login', { username: person.username, password: person.password });
      ctx.expect(login).toHaveStatus(403, 'AUTH_NOT_VERIFIED');
    });

    await ctx.step('a wrong code is refused and the account stays unverified', async () => {
      const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
      const answer = await ctx.gateway.post('/auth/verify', { username: person.username, code: wrong });
      ctx.expect(answer).toHaveStatus(401, 'AUTH_OTP_INVALID');
      const login = await ctx.gateway.post('/auth/login', { username: person.username, password: person.password });
      ctx.expect(login).toHaveStatus(403, 'AUTH_NOT_VERIFIED');
      ctx.note('one wrong attempt is counted against the code, but does not kill it');
    });

    await ctx.step('the right code verifies the phone number; a welcome SMS follows', async () => {
      const answer = await ctx.gateway.post('/auth/verify', { username: person.username, code });
      ctx.expect(answer).toHaveStatus(200);
      ctx.expect(answer.body).toEqual({ verified: true });
      const welcome = await ctx.waitFor(async () => (await ctx.phone.messages(person.phone)).find((message) => message.type === 'welcome'), {
        timeout: 2000,
        message: 'the welcome SMS',
      });
      ctx.expect(welcome.text).toContain(person.firstName);
    });

    await ctx.step('the same code cannot verify twice, and the username is now taken', async () => {
      const again = await ctx.gateway.post('/auth/verify', { username: person.username, code });
      ctx.expect(again).toHaveStatus(409, 'AUTH_ALREADY_VERIFIED');
      const other = ctx.users.fresh();
      const taken = await ctx.gateway.post('/auth/register', { ...other, username: person.username });
      ctx.expect(taken).toHaveStatus(409, 'AUTH_USERNAME_TAKEN');
      ctx.expect(await ctx.phone.messages(other.phone)).toHaveLength(0);
    });

    await ctx.step('the verified user logs in: password first, the second factor is another SMS code', async () => {
      const since = Date.now();
      const login = await ctx.gateway.post('/auth/login', { username: person.username, password: person.password });
      ctx.expect(login).toHaveStatus(202);
      ctx.expect(login.body).toEqual({ challenge: 'sms' });
      const loginCode = await ctx.phone.lastCode(person.phone, { since });
      const verified = await ctx.gateway.post<{ accessToken: string }>('/auth/login/verify', { username: person.username, code: loginCode });
      ctx.expect(verified).toHaveStatus(200);
      const me = await ctx.gateway.get('/auth/me', { token: verified.body.accessToken });
      ctx.expect(me).toHaveStatus(200);
      ctx.expect(me.body).toMatchObject({ userId: registered.userId, username: person.username, firstName: person.firstName, verified: true });
    });
  },
});
