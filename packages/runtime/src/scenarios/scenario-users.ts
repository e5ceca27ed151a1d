import { randomBytes, randomInt } from 'node:crypto';
import type { GatewayResponse } from '../client/gateway-client.js';
import { runtimeError } from '../errors/error-codes.js';
import type { ScenarioGateway, ScenarioUser, ScenarioUsers } from './dsl.js';
import type { ScenarioPhoneInternals } from './scenario-phone.js';
import type { SecretRegistry } from './secrets.js';

/** What the user flows need. */
export interface ScenarioUsersOptions {
  /** The gateway used when a call names none (`ctx.gateway`). */
  readonly gateway: () => ScenarioGateway;
  readonly phone: Pick<ScenarioPhoneInternals, 'ids' | 'nextCode'>;
  readonly secrets: SecretRegistry;
}

const firstNames = ['Ada', 'Grace', 'Alan', 'Barbara', 'Edsger', 'Margaret', 'Ken', 'Radia'];

/** Fails the flow unless `response` has `status`; the message names the call and the error code, never a secret. */
function expectAnswer(response: GatewayResponse, status: number, call: string): void {
  if (response.status === status) return;
  const code = (response.body as { error?: { code?: unknown } } | null | undefined)?.error?.code;
  throw runtimeError('SCENARIO_USER_FLOW_FAILED', {
    message: `${call} answered ${response.status}${typeof code === 'string' ? ` ${code}` : ''}, expected ${status}.`,
    details: { call, status: response.status, ...(typeof code === 'string' ? { errorCode: code } : {}) },
  });
}

// Fictional numbers (+1 555 01xx xxxx), counted for the whole process: runs may share a
// topology (runScenarios' pool), and two of them must never register the same phone.
let nextPhone = randomInt(0, 9000);

/** Creates `ctx.users`: people made through the real flows, reading codes from the phone. */
export function createScenarioUsers(options: ScenarioUsersOptions): ScenarioUsers {
  const { phone, secrets } = options;
  let nextName = 0;

  const fresh: ScenarioUsers['fresh'] = (choice = {}) => {
    const firstName = choice.firstName ?? firstNames[nextName++ % firstNames.length]!;
    const base = firstName.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 20) || 'user';
    const username = choice.username ?? `${base}-${randomBytes(4).toString('hex')}`;
    const password = `Pw-${randomBytes(9).toString('base64url')}-42`;
    secrets.add(password);
    nextPhone = (nextPhone + 1) % 10_000;
    return { username, password, phone: `+1555010${String(nextPhone).padStart(4, '0')}`, firstName };
  };

  const logIn: ScenarioUsers['logIn'] = async (user, choice = {}) => {
    const gateway = choice.gateway ?? options.gateway();
    const { username, password } = user;
    const before = await phone.ids(user.phone);
    expectAnswer(await gateway.post('/auth/login', { username, password }), 202, 'POST /auth/login');
    const code = await phone.nextCode(user.phone, 'login', before);
    const pair = await gateway.post<{ accessToken: string; refreshToken: string }>('/auth/login/verify', { username, code });
    expectAnswer(pair, 200, 'POST /auth/login/verify');
    return { accessToken: pair.body.accessToken, refreshToken: pair.body.refreshToken };
  };

  return {
    fresh,
    logIn,
    async signUp(choice = {}) {
      const gateway = choice.gateway ?? options.gateway();
      const person = fresh(choice);
      const { username, password, firstName } = person;
      const before = await phone.ids(person.phone);
      const registered = await gateway.post<{ userId: string }>('/auth/register', { username, password, phone: person.phone, firstName });
      expectAnswer(registered, 201, 'POST /auth/register');
      const code = await phone.nextCode(person.phone, 'registration', before);
      expectAnswer(await gateway.post('/auth/verify', { username, code }), 200, 'POST /auth/verify');
      const tokens = await logIn(person, { gateway });
      const user: ScenarioUser = { userId: registered.body.userId, ...person, ...tokens };
      return user;
    },
  };
}
