import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { authModeNames, discoveryModeNames, findProgram } from '@topolab/services/contract';
import { backendsRequired } from '@topolab/test-support/programs';
import { normalizeTopologyOptions, type TopologyOptions } from '../topology/topology-options.js';
import { renderCompose } from './compose.js';
import { planExport } from './export-plan.js';
import { renderKubernetes } from './kubernetes.js';

const run = promisify(execFile);
// Debian's docker-compose (1.29, PyYAML: YAML 1.1) reads the file as `docker compose` would, without a daemon.
const dockerCompose = findProgram('docker-compose');
if (!dockerCompose && backendsRequired()) throw new Error('docker-compose is required (TOPOLAB_REQUIRE_BACKENDS=1) but not installed: apt-get install docker-compose');

const backendSets: Record<string, TopologyOptions['backends']> = { embedded: {}, 'redis + nginx': { cache: 'redis', bus: 'redis', lb: 'nginx' } };
const replicaSets: Record<string, TopologyOptions['replicas']> = { 'one each': {}, 'gateway=2 profile=3': { gateway: 2, profile: 3 } };
const combinations = discoveryModeNames.flatMap((discovery) =>
  authModeNames.flatMap((auth) =>
    Object.entries(backendSets).flatMap(([backendName, backends]) =>
      Object.entries(replicaSets).map(([replicaName, replicas]) => ({ name: `${discovery}/${auth}, ${backendName}, ${replicaName}`, options: { dataDir: '/tmp/x', modes: { discovery, auth }, backends, replicas } as TopologyOptions })),
    ),
  ),
);
const planOf = (options: TopologyOptions) => planExport(normalizeTopologyOptions(options, { programs: false }), { clientKey: 'k'.repeat(64) });

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('topolab export, read by clients no one here wrote', () => {
  it.skipIf(!dockerCompose).each(combinations.map((combination) => [combination.name, combination.options] as const))(
    'docker-compose config accepts the Compose export: no dependency cycle, every reference resolved (%s)',
    async (_name, options) => {
      const dir = mkdtempSync(join(tmpdir(), 'topolab-compose-'));
      dirs.push(dir);
      for (const file of renderCompose(planOf(options))) {
        mkdirSync(dirname(join(dir, file.path)), { recursive: true });
        writeFileSync(join(dir, file.path), file.content);
      }
      // `-q`: validate only; a cycle (a gateway waiting for the sidecar that joins its network) exits 1.
      await expect(run(dockerCompose!, ['-f', join(dir, 'compose.yaml'), '-p', 'topolab', 'config', '-q'], { cwd: dir, timeout: 30_000 })).resolves.toBeDefined();
    },
  );

  it.each([
    ['compose.yaml', (options: TopologyOptions) => renderCompose(planOf(options)).find((file) => file.path === 'compose.yaml')!.content],
    ['the Kubernetes manifests', (options: TopologyOptions) => renderKubernetes(planOf(options)).find((file) => file.path.endsWith('.yaml'))!.content],
  ])('writes %s that YAML 1.1 (PyYAML, go-yaml v2) and YAML 1.2 read alike: `no`, `on`, `0755` stay strings', (_name, render) => {
    // --cache redis: redis-server's `--appendonly no --protected-mode no`, which YAML 1.1 reads as false.
    const text = render({ dataDir: '/tmp/x', backends: { cache: 'redis', bus: 'redis', lb: 'nginx' }, modes: { discovery: 'server', auth: 'sidecar' } });
    expect(text).toContain('"no"');
    const read = (version: '1.1' | '1.2') => parseAllDocuments(text, { version }).map((document) => document.toJS());
    expect(read('1.1')).toEqual(read('1.2'));
  });
});
