import { createSocket } from 'node:dgram';
import { chmodSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { planAddress } from '@topolab/runtime/topology';
import { runCli, runCliInProcess, type CliRun } from './run-cli.js';
import { testDir } from '@topolab/test-support/files';

const tempDir = () => testDir('cli');

describe('topolab usage', () => {
  it('lists the commands in --help (the built binary, as users run it)', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['up', 'demo', 'scenarios', 'run', 'status', 'phone', 'authenticator', 'events', 'mode', 'kill', 'stop', 'pause', 'resume', 'restart', 'zombie', 'scale', 'dashboard', 'export']) expect(run.stdout).toContain(command);
  });

  it.each(['up', 'demo', 'scenarios', 'run', 'status', 'phone', 'authenticator', 'events', 'mode', 'kill', 'stop', 'pause', 'resume', 'restart', 'zombie', 'scale', 'dashboard', 'export'])('topolab %s --help has an example', async (command) => {
    const run = await runCliInProcess([command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Examples:');
    expect(run.stdout).toContain(`$ topolab ${command}`);
  });

  it.each([
    [['up', '--port', 'http']],
    [['up', '--port', '70000']],
    [['up', '--replicas', 'profile=0']],
    [['up', '--replicas', 'profile']],
    [['up', '--timings', 'slow']],
    [['phone', '07700900123']],
    [['phone']],
    [['authenticator']],
    [['launch']],
    [['up', '--discovery', 'dns']],
    [['demo', '--auth', 'psychic']],
    [['kill']],
    [['kill', 'profile']],
    [['pause', 'profile#0']],
    [['zombie', 'profile#2', '--on']],
    [['scale', 'profile']],
    [['scale', 'profile', '10']],
    [['scale', 'profile', 'two']],
    [['export', 'swarm', '--out', 'x']],
    [['export', 'compose']],
  ])('exits 2 on the usage error %j', async (args) => {
    const run = await runCliInProcess(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^✖ CLI_USAGE  \S.*\n  hint: Add --help to the command for its options and examples\.\n$/);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack
  });

  it('exports the topology for Compose and Kubernetes, listing what it wrote and what it left out, never a secret', async () => {
    for (const target of ['compose', 'kubernetes']) {
      const out = join(tempDir(), target);
      const run = await runCliInProcess(['export', target, '--out', out, '--discovery', 'server', '--cache', 'redis']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(target === 'compose' ? 'compose.yaml' : 'topolab.yaml');
      expect(run.stdout).toContain('Dockerfile');
      expect(run.stdout).toMatch(/14 client secrets, 2 signing keys and 10 Redis credentials/);
      expect(run.stdout).toContain('left out: dns#1');
      expect(run.stdout).toContain('left out: TLS at the gateway');
      expect(readdirSync(out)).toEqual(expect.arrayContaining(['Dockerfile', 'Dockerfile.dockerignore', target === 'compose' ? 'compose.yaml' : 'topolab.yaml']));
      expect(run.stdout).not.toMatch(/[0-9a-f]{40}/);
    }
  });

  it('exits 2 on an unknown mode, listing the valid values', async () => {
    const discovery = await runCliInProcess(['mode', '--discovery', 'dns', '--data-dir', tempDir()]);
    expect(discovery.code).toBe(2);
    expect(discovery.stderr).toMatch(/client.*server/);
    const auth = await runCliInProcess(['mode', '--auth', 'psychic', '--data-dir', tempDir()]);
    expect(auth.code).toBe(2);
    expect(auth.stderr).toMatch(/remote.*local.*global.*sidecar/);
  });

  it('exits 3 with CONTROL_NOT_RUNNING for a fault, scale or mode switch when nothing runs', async () => {
    const dir = tempDir();
    for (const args of [['kill', 'profile#2'], ['scale', 'profile', '3'], ['mode'], ['zombie', 'profile#1', '--off']]) {
      const run = await runCliInProcess([...args, '--data-dir', dir]);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('✖ CONTROL_NOT_RUNNING');
    }
  });

  it('exits 2 with TOPOLOGY_INVALID_REPLICAS for an unknown service', async () => {
    const run = await runCli(['up', '--port', '0', '--data-dir', tempDir(), '--replicas', 'mainframe=2']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('TOPOLOGY_INVALID_REPLICAS');
    // Told before anything starts.
    expect(run.stdout).not.toContain('starting the topology');
  });

  it('exits 3 with CONTROL_NOT_RUNNING when nothing runs in the data dir', async () => {
    const dir = tempDir();
    for (const args of [['status', '--data-dir', dir], ['phone', '+447700900123', '--data-dir', dir], ['authenticator', 'ada', '--data-dir', dir], ['events', '--data-dir', dir], ['dashboard', '--data-dir', dir]]) {
      const run = await runCliInProcess(args);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('✖ CONTROL_NOT_RUNNING');
      expect(run.stderr).toContain('hint:');
    }
  });

  it('exits 3 with TOPOLOGY_PORT_IN_USE when the gateway port is taken', async () => {
    const port = await takePort('tcp', '127.0.0.1');
    const run = await runCli(['up', '--port', String(port), '--data-dir', tempDir()]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('TOPOLOGY_PORT_IN_USE');
  });

  it('exits 3 with SUPERVISOR_START_TIMEOUT after --start-timeout, and the hint names the flag', async () => {
    const run = await runCli(['up', '--port', '0', '--start-timeout', '1', '--data-dir', tempDir()]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('SUPERVISOR_START_TIMEOUT');
    expect(run.stderr).toMatch(/did not report ready within 1 ms/);
    expect(run.stderr).toContain('--start-timeout');
  });

  it('exits 3 with TOPOLOGY_DATA_DIR_INSECURE and the chmod to run, no stack, for a data dir an earlier version left 0755 (CWE-276)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'auth.db'), '', { mode: 0o644 });
    chmodSync(dir, 0o755);
    const run = await runCli(['up', '--port', '0', '--fresh', '--data-dir', dir]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('TOPOLOGY_DATA_DIR_INSECURE');
    expect(run.stderr).toContain('0755');
    expect(run.stderr).toContain(`chmod 700 ${dir}`);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(statSync(dir).mode & 0o777).toBe(0o755);
    expect(readdirSync(dir)).toEqual(['auth.db']);
  });
});

/** Holds a port the OS picks on `host` (TCP or UDP) until the test ends; resolves with it. */
async function takePort(protocol: 'tcp' | 'udp', host: string): Promise<number> {
  if (protocol === 'udp') {
    const socket = createSocket('udp4');
    socket.bind(0, host);
    await once(socket, 'listening');
    onTestFinished(() => new Promise<void>((resolve) => socket.close(() => resolve())));
    return socket.address().port;
  }
  const server = createServer().listen(0, host);
  await once(server, 'listening');
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as { port: number }).port;
}

/**
 * Checks that `run` failed with `code` before anything started: exit 3, one line and a hint
 * (no stack, no child's log lines), no instance spawned.
 */
function expectFailedBeforeStart(run: CliRun, code: string): void {
  expect(run.code).toBe(3);
  expect(run.stderr).toMatch(new RegExp(`^✖ ${code}  [^\\n]+\\n  hint: [^\\n]+\\n$`));
  expect(run.stdout).not.toMatch(/\bstarting\s+pid\b/);
}

describe('topolab up checks every pinned port before the first instance starts', () => {
  // dns#1 binds its own loopback address (127.0.15.1 on Linux).
  const dnsHost = planAddress({ spec: { name: 'dns', addressOctet: 15 }, index: 1 }).host;

  it.each([
    ['the plain-HTTP port', 'tcp', '127.0.0.1', (port: string) => ['--no-tls', '--port', port, '--dns-port', '0'], '--port'],
    ['the redirect port of TLS', 'tcp', '127.0.0.1', (port: string) => ['--port', port, '--https-port', '0', '--dns-port', '0'], '--port'],
    ['the HTTPS port', 'tcp', '127.0.0.1', (port: string) => ['--port', '0', '--https-port', port], '--https-port'],
    ['the DNS port over UDP (RFC 1035 §4.2.1)', 'udp', dnsHost, (port: string) => ['--port', '0', '--dns-port', port], '--dns-port'],
    ['the DNS port over TCP (RFC 7766)', 'tcp', dnsHost, (port: string) => ['--port', '0', '--dns-port', port], '--dns-port'],
  ] as const)('exits 3 with TOPOLOGY_PORT_IN_USE naming the flag when %s is taken, having started and written nothing', async (_kind, protocol, host, flags, flag) => {
    const port = await takePort(protocol, host);
    const dataDir = join(tempDir(), 'data');
    const run = await runCli(['up', ...flags(String(port)), '--data-dir', dataDir]);
    expectFailedBeforeStart(run, 'TOPOLOGY_PORT_IN_USE');
    expect(run.stderr).toContain(`${host}:${port}/${protocol}: the port is in use.`);
    expect(run.stderr).toContain(`pick another port with \`${flag}\``);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('exits 3 from demo too, leaving no temporary data dir behind', async () => {
    const port = await takePort('udp', dnsHost);
    const tmp = tempDir();
    const run = await runCli(['demo', '--dns-port', String(port)], 60_000, { TMPDIR: tmp });
    expectFailedBeforeStart(run, 'TOPOLOGY_PORT_IN_USE');
    expect(run.stderr).toContain('`--dns-port`');
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('exits 3 with TOPOLOGY_BACKEND_UNREACHABLE for a --redis-url on a closed port, naming host:port and never the password', async () => {
    const closed = createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const closedPort = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const dataDir = join(tempDir(), 'data');
    const run = await runCli(['up', '--port', '0', '--cache', 'redis', '--data-dir', dataDir], 60_000, { REDIS_URL: `redis://app:hunter2secret@127.0.0.1:${closedPort}` });
    expectFailedBeforeStart(run, 'TOPOLOGY_BACKEND_UNREACHABLE');
    expect(run.stderr).toContain(`Redis at 127.0.0.1:${closedPort} is unreachable: connection refused.`);
    expect(`${run.stdout}${run.stderr}`).not.toContain('hunter2secret');
    expect(existsSync(dataDir)).toBe(false);
  });
});
