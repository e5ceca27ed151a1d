import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envNames, serviceManifest, type ServiceSpec } from '@topolab/services/contract';
import { describe, expect, it, onTestFinished } from 'vitest';
import { normalizeBackends } from '../backends/topology-backends.js';
import { createProgramPlan } from './program-instances.js';

const spec = (name: string) => serviceManifest.find((candidate) => candidate.name === name) as ServiceSpec;

function planFor(backends: Parameters<typeof normalizeBackends>[0]) {
  const dataDir = mkdtempSync(join(tmpdir(), 'topolab-program-plan-'));
  const plan = createProgramPlan({ manifest: serviceManifest, backends: normalizeBackends(backends), programs: new Map([['redis', 'redis-server']]), dataDir });
  onTestFinished(async () => {
    await plan.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { plan, dataDir };
}

describe('the Redis variables of each instance', () => {
  it('give a service with a Redis role its user and a password file, never the password; others the URL only', async () => {
    const { plan } = planFor({ cache: 'redis', bus: 'redis' });
    const gateway = await plan.envFor(spec('gateway'));
    expect(gateway).toMatchObject({ [envNames.redisUsername]: 'gateway', [envNames.redisUrl]: expect.stringMatching(/^redis:\/\/127\.0\.11\.1:\d+$/) });
    expect(gateway[envNames.redisPassword]).toBeUndefined();
    expect(readFileSync(gateway[`${envNames.redisPassword}_FILE`]!, 'utf8')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await plan.envFor(spec('profile')))[envNames.redisUsername]).toBe('consumer');
    expect((await plan.envFor(spec('auth')))[`${envNames.redisPassword}_FILE`]).toMatch(/secrets\/redis\/auth\.password$/);
    const registry = await plan.envFor(spec('registry'));
    expect(registry[envNames.redisUrl]).toBeDefined();
    expect(registry[envNames.redisUsername]).toBeUndefined();
    expect(registry[`${envNames.redisPassword}_FILE`]).toBeUndefined();
  });

  it('take the credentials out of an external REDIS_URL: the URL without them, the user, the password as a file', async () => {
    const { plan, dataDir } = planFor({ cache: 'redis', redisUrl: 'redis://app:pa55word@10.0.0.5:6380' });
    const env = await plan.envFor(spec('sidecar'));
    expect(env).toEqual(expect.objectContaining({ [envNames.redisUrl]: 'redis://10.0.0.5:6380', [envNames.redisUsername]: 'app', [`${envNames.redisPassword}_FILE`]: join(dataDir, 'secrets', 'redis', 'url.password') }));
    expect(JSON.stringify(env)).not.toContain('pa55word');
    expect(JSON.stringify(await plan.envFor(spec('registry')))).not.toContain('pa55word');
  });
});
