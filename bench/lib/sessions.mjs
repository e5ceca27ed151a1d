import { randomBytes, randomInt } from 'node:crypto';
import { readPhone } from '../../packages/runtime/dist/index.js';

const json = { 'content-type': 'application/json' };

/** A unique test user. */
export function newUser(prefix = 'bench') {
  return {
    username: `${prefix}-${randomBytes(4).toString('hex')}`,
    password: `Bench-${randomBytes(8).toString('base64url')}-42`,
    phone: `+4477009${String(randomInt(0, 100000)).padStart(5, '0')}`,
    firstName: 'Bench',
  };
}

async function expectStatus(answer, status, what) {
  if (answer.status !== status) {
    throw new Error(`${what} answered ${answer.status} ${JSON.stringify(answer.body?.error?.code ?? '')}, expected ${status}`);
  }
  return answer.body;
}

async function newestCode(topology, phone, since) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const messages = await readPhone(topology.instances(), { to: phone, limit: 5 });
    const message = messages.find((m) => m.type === 'otp' && m.time >= since);
    const code = message && /\b(\d{6})\b/.exec(message.text)?.[1];
    if (code) return code;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no code reached ${phone}`);
}

/** Registers and verifies a user through the gateway. */
export async function register(gateway, topology, user) {
  const since = Date.now() - 1;
  await expectStatus(await gateway.request({ method: 'POST', path: '/auth/register', body: user, headers: json }), 201, 'register');
  const code = await newestCode(topology, user.phone, since);
  await expectStatus(await gateway.request({ method: 'POST', path: '/auth/verify', body: { username: user.username, code } }), 200, 'verify');
}

/** Logs a verified user in with 2FA; resolves with the tokens. */
export async function login(gateway, topology, user) {
  const since = Date.now() - 1;
  await expectStatus(await gateway.request({ method: 'POST', path: '/auth/login', body: { username: user.username, password: user.password } }), 202, 'login');
  const code = await newestCode(topology, user.phone, since);
  return expectStatus(await gateway.request({ method: 'POST', path: '/auth/login/verify', body: { username: user.username, code } }), 200, 'login/verify');
}

/** `count` sessions (access tokens) over users of at most `perUser` logins each (auth sends at most 5 codes per user per 15 min). */
export async function createSessions(gateway, topology, count, perUser = 4) {
  const sessions = [];
  while (sessions.length < count) {
    const user = newUser();
    await register(gateway, topology, user);
    for (let i = 0; i < perUser && sessions.length < count; i++) sessions.push({ user, ...(await login(gateway, topology, user)) });
  }
  return sessions;
}
