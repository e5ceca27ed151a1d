import { randomBytes, randomInt } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { GatewayClient, GatewayResponse } from '../client/gateway-client.js';
import { extractCode } from '../demo/demo-user.js';
import { runtimeError } from '../errors/error-codes.js';
import { readPhone, type PhoneSource } from '../phone/read-phone.js';

/** A person the bench signs up. */
export interface BenchUser {
  readonly username: string;
  readonly password: string;
  /** Fictional (+1 555 01xx xxxx). */
  readonly phone: string;
  readonly firstName: string;
}

/** A signed-in session. */
export interface BenchSession {
  readonly user: BenchUser;
  readonly userId: string;
  readonly accessToken: string;
  readonly refreshToken: string;
}

/** Where the user flows run: a gateway, and the instances (to read the phone). */
export interface BenchUserContext {
  readonly gateway: GatewayClient;
  readonly phone: PhoneSource;
}

let nextPhone = randomInt(0, 10_000);

/** A fresh user with a unique name and phone number. */
export function createBenchUser(): BenchUser {
  nextPhone = (nextPhone + 1) % 10_000;
  return {
    username: `bench-${randomBytes(4).toString('hex')}`,
    password: `Bench-${randomBytes(9).toString('base64url')}-42`,
    phone: `+1555010${String(nextPhone).padStart(4, '0')}`,
    firstName: 'Bench',
  };
}

function expectStatus<T>(answer: GatewayResponse<T>, status: number, call: string): T {
  if (answer.status === status) return answer.body;
  const code = (answer.body as { error?: { code?: unknown } } | undefined)?.error?.code;
  throw runtimeError('SCENARIO_USER_FLOW_FAILED', {
    message: `${call} answered ${answer.status}${typeof code === 'string' ? ` ${code}` : ''}, expected ${status}.`,
    details: { call, status: answer.status },
  });
}

async function newestCode(ctx: BenchUserContext, phone: string, since: number): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const messages = await readPhone(ctx.phone, { to: phone, limit: 5 });
    const message = messages.find((candidate) => candidate.type === 'otp' && candidate.time >= since);
    const code = message ? extractCode(message.text) : undefined;
    if (code) return code;
    await delay(20);
  }
  throw runtimeError('SCENARIO_USER_FLOW_FAILED', { message: `No one-time code reached ${phone}.` });
}

/** Registers `user` and verifies the phone through the gateway; resolves with the user id. */
export async function registerBenchUser(ctx: BenchUserContext, user: BenchUser): Promise<string> {
  const since = Date.now() - 1;
  const body = expectStatus(await ctx.gateway.request<{ userId: string }>({ method: 'POST', path: '/auth/register', body: user }), 201, 'POST /auth/register');
  const code = await newestCode(ctx, user.phone, since);
  expectStatus(await ctx.gateway.request({ method: 'POST', path: '/auth/verify', body: { username: user.username, code } }), 200, 'POST /auth/verify');
  return body.userId;
}

/** Logs a verified user in (password, then the SMS code); resolves with the tokens. */
export async function logInBenchUser(ctx: BenchUserContext, user: BenchUser): Promise<{ accessToken: string; refreshToken: string }> {
  const since = Date.now() - 1;
  expectStatus(await ctx.gateway.request({ method: 'POST', path: '/auth/login', body: { username: user.username, password: user.password } }), 202, 'POST /auth/login');
  const code = await newestCode(ctx, user.phone, since);
  const pair = expectStatus(await ctx.gateway.request<{ accessToken: string; refreshToken: string }>({ method: 'POST', path: '/auth/login/verify', body: { username: user.username, code } }), 200, 'POST /auth/login/verify');
  return { accessToken: pair.accessToken, refreshToken: pair.refreshToken };
}

/** Signs a fresh user up and in, and creates its profile (what `GET /profile/me` reads). */
export async function signUpWithProfile(ctx: BenchUserContext): Promise<BenchSession> {
  const user = createBenchUser();
  const userId = await registerBenchUser(ctx, user);
  const tokens = await logInBenchUser(ctx, user);
  expectStatus(await ctx.gateway.request({ method: 'POST', path: '/profile', token: tokens.accessToken, body: { displayName: 'Bench' } }), 201, 'POST /profile');
  return { user, userId, ...tokens };
}

/**
 * `count` sessions over users of at most `perUser` logins each (auth sends at most 5 codes
 * per user per 15 minutes, the registration's included).
 */
export async function createBenchSessions(ctx: BenchUserContext, count: number, perUser = 4): Promise<BenchSession[]> {
  const sessions: BenchSession[] = [];
  while (sessions.length < count) {
    const user = createBenchUser();
    const userId = await registerBenchUser(ctx, user);
    for (let i = 0; i < perUser && sessions.length < count; i++) sessions.push({ user, userId, ...(await logInBenchUser(ctx, user)) });
  }
  return sessions;
}
