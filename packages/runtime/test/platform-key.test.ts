import { fork } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { envNames, findServiceSpec, generateEd25519KeyPair } from '@topolab/services/contract';
import { describe, expect, it, onTestFinished } from 'vitest';

// The registry, the embedded bus and the embedded cache check service tokens with auth's public
// key as the runtime hands it over (auth needs them before anyone could ask auth for its JWKS).
// Without the key they must not start open (OWASP ASVS 4.0.3 V1.4.1: access control enforced at a
// trusted service layer; fail closed): the instance exits 2 with a one-line message naming the variable.

const platformParts = ['registry', 'bus', 'cache'] as const;

interface Outcome {
  readonly ready: boolean;
  readonly code: number | null;
  readonly stderr: string;
}

/** Starts the compiled entry of `service` as the supervisor does (IPC channel, only the env given); resolves at `ready` or at exit. */
async function startPart(service: (typeof platformParts)[number], env: Record<string, string>): Promise<Outcome> {
  const entry = findServiceSpec(service)!.entry;
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npx --yes pnpm@10 build\` first`);
  const child = fork(entry, [], {
    env: { PATH: process.env.PATH ?? '', [envNames.service]: service, [envNames.instanceId]: `${service}#1`, [envNames.host]: '127.0.0.1', [envNames.port]: '0', ...env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  onTestFinished(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = new Promise<boolean>((resolve) => child.on('message', (message: { type?: string }) => message?.type === 'ready' && resolve(true)));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${service} neither became ready nor exited within 10 s`)), 10_000).unref());
  const first = await Promise.race([ready.then(() => 'ready' as const), exited.then(() => 'exited' as const), timeout]);
  if (first === 'ready') return { ready: true, code: null, stderr };
  const code = await exited;
  // stderr may still be draining when exit fires.
  await new Promise((resolve) => setImmediate(resolve));
  return { ready: false, code, stderr };
}

describe('platform parts without auth\'s public key', () => {
  it.each(platformParts)('%s exits 2 naming TOPOLAB_AUTH_PUBLIC_KEY, and never reports ready', async (service) => {
    const outcome = await startPart(service, {});
    expect(outcome.ready).toBe(false);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain(`${envNames.authPublicKey}: required by ${service}`);
    expect(outcome.stderr.trim().split('\n')).toHaveLength(1);
  });

  it.each(platformParts)('%s starts with the key handed over', async (service) => {
    const outcome = await startPart(service, { [envNames.authPublicKey]: JSON.stringify(generateEd25519KeyPair().publicJwk) });
    expect(outcome).toEqual({ ready: true, code: null, stderr: '' });
  });
});
