import type { PhoneMessage } from '../control/control-routes.js';
import { extractCode } from '../demo/demo-user.js';
import { readAuthenticator } from '../phone/read-authenticator.js';
import { readPhone } from '../phone/read-phone.js';
import type { Topology } from '../topology/topology.js';
import type { ScenarioPhone } from './dsl.js';
import type { SecretRegistry } from './secrets.js';
import { waitUntil } from './wait-for.js';

/** What the scenario phone needs. */
export interface ScenarioPhoneOptions {
  readonly topology: Pick<Topology, 'instances' | 'serviceToken'>;
  readonly secrets: SecretRegistry;
  readonly signal?: AbortSignal;
}

/** The phone of a scenario, plus the helper the user flows need. */
export interface ScenarioPhoneInternals extends ScenarioPhone {
  /** The ids of the messages `number` holds now. */
  ids(number: string): Promise<Set<string | number>>;
  /** Waits for the first one-time code for `purpose` (`registration`, `login`) not among `before`; remembered as a secret. */
  nextCode(number: string, purpose: string, before: ReadonlySet<string | number>, timeoutMs?: number): Promise<string>;
}

/** Creates `ctx.phone`: reads what the SMS service sent; every code it reads is remembered as a secret. */
export function createScenarioPhone(options: ScenarioPhoneOptions): ScenarioPhoneInternals {
  const { topology, secrets, signal } = options;
  const messages = (number: string): Promise<PhoneMessage[]> => readPhone(topology, { to: number });
  const codeOf = (message: PhoneMessage | undefined): string | undefined => {
    const code = message ? extractCode(message.text) : undefined;
    secrets.add(code);
    return code;
  };
  return {
    messages,
    async authenticator(username, { offset } = {}) {
      const answer = await readAuthenticator(topology, username, offset === undefined ? {} : { offset });
      secrets.add(answer.code);
      return answer;
    },
    async ids(number) {
      return new Set((await messages(number)).map((message) => message.id));
    },
    lastCode(number, { since = 0, timeoutMs = 2000 } = {}) {
      return waitUntil(async () => codeOf((await messages(number)).find((message) => message.type === 'otp' && message.time >= since)), {
        timeout: timeoutMs,
        message: `a one-time code on ${number}`,
        ...(signal ? { signal } : {}),
      });
    },
    nextCode(number, purpose, before, timeoutMs = 5000) {
      return waitUntil(
        async () => codeOf((await messages(number)).find((message) => !before.has(message.id) && message.type === 'otp' && message.text.includes(`${purpose} code`))),
        { timeout: timeoutMs, message: `a ${purpose} code on ${number}`, ...(signal ? { signal } : {}) },
      );
    },
  };
}
