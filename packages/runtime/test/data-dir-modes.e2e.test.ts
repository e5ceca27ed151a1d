import { lstatSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayClient, startControlServer } from '../src/index.js';
import { programFor } from './helpers.js';
import { signUpWithProfile, startRealTopology, type RealTopology } from './real-topology.js';

const realBackends = Boolean(programFor('redis-server')) && Boolean(programFor('nginx'));

/** Every entry under `root` (relative paths, directories ending in `/`) with its permission bits. */
function walk(root: string): Map<string, number> {
  const found = new Map<string, number>();
  const visit = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const stat = lstatSync(path);
      found.set(`${relative(root, path)}${stat.isDirectory() ? '/' : ''}`, stat.mode & 0o7777);
      if (stat.isDirectory()) visit(path);
    }
  };
  found.set('./', lstatSync(root).mode & 0o7777);
  visit(root);
  return found;
}

/** The entries of `walk` that are not a 0700 directory or a 0600 file, as `path 0755` lines (empty when all are private). */
function offenders(entries: Map<string, number>): string[] {
  return [...entries]
    .filter(([path, mode]) => mode !== (path.endsWith('/') ? 0o700 : 0o600))
    .map(([path, mode]) => `${path} 0${mode.toString(8)}`);
}

/** Asserts the data dir is private, naming every offender, and returns what it holds. */
function expectPrivate(dataDir: string, when: string): string[] {
  const entries = walk(dataDir);
  expect(offenders(entries), `not 0700/0600 ${when}`).toEqual([]);
  return [...entries.keys()];
}

// The usual umask (0022) on purpose: the modes must come from topolab, not from a strict shell.
let previousUmask: number;
beforeAll(() => {
  previousUmask = process.umask(0o022);
});
afterAll(() => {
  process.umask(previousUmask);
});

describe('a data dir after a real run is private to the user (OWASP ASVS 4.0.3 V8.3.x, CWE-276)', () => {
  let real: RealTopology | undefined;
  afterAll(() => real?.stop());

  it('embedded backends with TLS: every folder 0700 and every database, WAL, log, key, certificate and control file 0600, running and stopped', async () => {
    real = await startRealTopology({ prefix: 'private', tls: true });
    const { topology, dataDir } = real;
    const gateway = createGatewayClient(topology.gatewayUrl, { ca: topology.edge.tls!.ca });
    const control = await startControlServer({ topology, dataDir });
    try {
      await signUpWithProfile(topology, gateway);
      const running = expectPrivate(dataDir, 'while running');
      expect(running).toEqual(expect.arrayContaining(['logs/', 'logs/auth-1.log', 'logs/gateway-1.log', 'auth.db', 'sms.db', 'profile.db', 'control.json', 'tls/', 'tls/ca-key.pem', 'tls/gateway-key.pem', 'tls/ca.pem', 'tls/gateway.pem']));
      expect(running.some((path) => path.endsWith('.db-wal'))).toBe(true);
    } finally {
      gateway.close();
      await control.close();
    }
    await topology.stop();
    expectPrivate(dataDir, 'after stop');
  });
});

describe.skipIf(!realBackends)('with --cache redis --bus redis --lb nginx, the programs\' folders and files are private too (CWE-276)', () => {
  let real: RealTopology | undefined;
  afterAll(() => real?.stop());

  it('redis/ and nginx/ (nginx.conf from nginx-sync, nginx.pid, error.log, temp paths) are 0700/0600, running and stopped', async () => {
    real = await startRealTopology({ prefix: 'private-backends', modes: { discovery: 'server', auth: 'global' }, backends: { cache: 'redis', bus: 'redis', lb: 'nginx' } });
    const { topology, dataDir } = real;
    await signUpWithProfile(topology, real.gateway);
    const running = expectPrivate(dataDir, 'while running');
    expect(running).toEqual(expect.arrayContaining(['redis/', 'nginx/', 'nginx/nginx.conf', 'nginx/nginx.pid', 'nginx/error.log', 'logs/redis-1.log', 'logs/nginx-1.log', 'auth.db']));
    await topology.stop();
    expectPrivate(dataDir, 'after stop');
  });
});
