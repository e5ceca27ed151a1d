import { existsSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { execa, type ResultPromise } from 'execa';
import { vi } from 'vitest';
import { findProgram } from '@topolab/services/contract';

/** Runs `podman …` and resolves with its stdout, trimmed; throws with stderr on a non-zero exit. */
export async function podman(args: readonly string[], options: { input?: string; timeout?: number } = {}): Promise<string> {
  const result = await execa('podman', args, { timeout: options.timeout ?? 120_000, ...(options.input === undefined ? {} : { input: options.input }) });
  return result.stdout.trim();
}

/** `podman …` lines (one name per line), none when the output is empty. */
export async function podmanLines(args: readonly string[]): Promise<string[]> {
  const out = await podman(args);
  return out === '' ? [] : out.split('\n').map((line) => line.trim()).filter((line) => line !== '');
}

const catatonitPaths = ['/usr/libexec/podman/catatonit', '/usr/bin/catatonit'];

/**
 * Why a container engine cannot run the export here, or undefined when it can: podman,
 * docker-compose (Compose, through podman's Docker-compatible socket), mmdebstrap (the base
 * image, built without a registry), catatonit (the pause process of `podman kube play`'s pods),
 * root, and containers.conf's `default_ulimits = []` (the default nofile limit exceeds a
 * sandbox's hard limit and runc fails with "error setting rlimit").
 */
export function engineProblem(): string | undefined {
  const missing = ['podman', 'docker-compose', 'mmdebstrap'].filter((program) => !findProgram(program));
  if (!catatonitPaths.some((path) => existsSync(path))) missing.push('catatonit');
  if (missing.length > 0) return `not installed: ${missing.join(', ')} (apt-get install podman docker-compose mmdebstrap catatonit)`;
  if (process.getuid?.() !== 0) return 'the engine test runs rootful podman: run it as root';
  const conf = existsSync('/etc/containers/containers.conf') ? readFileSync('/etc/containers/containers.conf', 'utf8') : '';
  if (!/^\s*default_ulimits\s*=\s*\[\s*\]/m.test(conf)) return '/etc/containers/containers.conf lacks `[containers]` `default_ulimits = []` (.ci/run writes it)';
  return undefined;
}

/**
 * Runs `podman healthcheck run` on every container `filter` selects whose health is not yet
 * known good, every second, until stopped: podman's health checks are systemd timers, and a
 * machine without systemd (a CI container) never runs them; Compose's `service_healthy` and
 * the test's waits read the status these runs record.
 */
export function driveHealthchecks(filter: readonly string[]): { stop(): Promise<void> } {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const names = await podmanLines(['ps', ...filter.flatMap((f) => ['--filter', f]), '--format', '{{.Names}} {{.Status}}']).catch(() => []);
      await Promise.all(
        names
          .filter((line) => line.includes('(starting)') || line.includes('(unhealthy)'))
          .map((line) => execa('podman', ['healthcheck', 'run', line.split(' ')[0]!], { reject: false, timeout: 10_000 })),
      );
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/** The health of each container `filter` selects: `name → starting | healthy | unhealthy | none`. */
export async function healthOf(filter: readonly string[]): Promise<Map<string, string>> {
  const lines = await podmanLines(['ps', '-a', ...filter.flatMap((f) => ['--filter', f]), '--format', '{{.Names}}\t{{.Status}}']);
  return new Map(
    lines.map((line) => {
      const [name = '', status = ''] = line.split('\t');
      const health = /\((starting|healthy|unhealthy)\)/.exec(status)?.[1] ?? (status.startsWith('Up') ? 'none' : status);
      return [name, health];
    }),
  );
}

/** podman's Docker-compatible API on a socket of its own (what `docker-compose` talks to), stopped by `stop`. */
export async function startPodmanService(socketPath: string): Promise<{ readonly dockerHost: string; stop(): Promise<void> }> {
  const child: ResultPromise = execa('podman', ['system', 'service', '--time=0', `unix://${socketPath}`], { reject: false, stdio: 'ignore' });
  const dockerHost = `unix://${socketPath}`;
  const ping = () =>
    new Promise<boolean>((resolve) => {
      const req = get({ socketPath, path: '/_ping', timeout: 2000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.on('timeout', () => req.destroy());
    });
  await vi
    .waitFor(
      async () => {
        if (!existsSync(socketPath) || !(await ping())) throw new Error(`podman system service did not open ${socketPath} within 15 s`);
      },
      { timeout: 15_000, interval: 200 },
    )
    .catch((error: unknown) => {
      child.kill();
      throw error;
    });
  return {
    dockerHost,
    async stop() {
      child.kill('SIGTERM');
      await child;
    },
  };
}

/**
 * What a failed run leaves to read: each container's state, restarts and exit code, then the
 * last `tail` lines of its log (the services log JSON lines without secrets: docs/errors.md).
 */
export async function containerReport(containers: readonly string[], tail = 25): Promise<string> {
  const sections = await Promise.all(
    containers.map(async (container) => {
      const state = await execa('podman', ['inspect', container, '--format', '{{.State.Status}} since {{.State.StartedAt}}, restarts {{.RestartCount}}, exit code {{.State.ExitCode}}'], { reject: false, timeout: 10_000 });
      const logs = await execa('podman', ['logs', '--tail', String(tail), container], { reject: false, timeout: 10_000, all: true });
      const lines = (logs.all ?? '').split('\n').filter((line) => line !== '');
      return [`--- ${container}: ${state.exitCode === 0 ? state.stdout.trim() : 'not found'}`, ...lines.map((line) => `  ${line}`)].join('\n');
    }),
  );
  return sections.join('\n');
}
