import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { envNames, type Catalog } from '@topolab/services/contract';
import { normalizeTopologyOptions, planExport } from '../src/index.js';
import type { ExportInstance } from '../src/export/index.js';
import { testDir } from '@topolab/test-support/files';

const servicesDist = fileURLToPath(new URL('../../services/dist/', import.meta.url));

interface Running {
  readonly child: ChildProcess;
  readonly port: number;
  readonly events: { name: string; data: Record<string, unknown> }[];
}

/**
 * Runs an exported instance as its container would (its environment, its secrets as files
 * read through <NAME>_FILE), with two changes a container does not need: port 0, and the other
 * containers' names, which only the engine's DNS resolves, replaced by `localhost`.
 */
function runAsContainer(instance: ExportInstance, dir: string, registryUrl: string | undefined): Promise<Running> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', ...instance.env, [envNames.port]: '0', [envNames.advertiseHost]: 'localhost', [envNames.dataDir]: join(dir, instance.name) };
  if (registryUrl) env[envNames.registryUrl] = registryUrl;
  for (const secret of instance.secrets) {
    const file = join(dir, secret.name);
    writeFileSync(file, `${secret.value}\n`, { mode: 0o600 });
    env[`${secret.env}_FILE`] = file;
  }
  const child = fork(join(servicesDist, instance.service, 'main.js'), [], { env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  onTestFinished(() => void child.kill('SIGKILL'));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const events: Running['events'] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${instance.id} was not ready in 10 s: ${stderr}`)), 10_000);
    child.on('message', (message: { type: string; address?: { port: number }; name?: string; data?: Record<string, unknown> }) => {
      if (message.type === 'event') events.push({ name: message.name!, data: message.data! });
      if (message.type !== 'ready') return;
      clearTimeout(timer);
      resolve({ child, port: message.address!.port, events });
    });
    child.once('exit', (code) => reject(new Error(`${instance.id} exited with ${code}: ${stderr}`)));
  });
}

describe('an exported topology runs as exported', () => {
  it('registry, auth and profile start from their exported environment, register the name they advertise, and profile gets a service token with its secret from a file', async () => {
    const dir = testDir('export-run');
    const plan = planExport(normalizeTopologyOptions({ dataDir: dir }, { programs: false }));
    const instance = (id: string) => plan.instances.find((candidate) => candidate.id === id)!;

    const registry = await runAsContainer(instance('registry#1'), dir, undefined);
    const registryUrl = `http://127.0.0.1:${registry.port}`;
    const auth = await runAsContainer(instance('auth#1'), dir, registryUrl);
    const profile = await runAsContainer(instance('profile#1'), dir, registryUrl);

    const catalog = (await (await fetch(`${registryUrl}/v1/catalog`)).json()) as Catalog;
    expect(catalog.services.profile?.map((record) => [record.instanceId, record.host, record.port])).toEqual([['profile#1', 'localhost', profile.port]]);
    expect(catalog.services.auth?.[0]?.host).toBe('localhost');
    // Listening on 0.0.0.0, reached by the advertised name.
    expect((await fetch(`http://localhost:${profile.port}/health`)).status).toBe(200);
    // profile's client secret (derived from the exported key) opens a service token at auth, which holds the key from its file.
    await expect.poll(() => auth.events.some((event) => event.name === 'auth.service_token.issued' && event.data.clientId === 'profile#1'), { timeout: 10_000, message: 'a service token for profile#1' }).toBeTruthy();
  });
});
