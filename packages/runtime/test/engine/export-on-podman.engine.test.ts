import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { envNames } from '@topolab/services/contract';
import { backendsRequired } from '@topolab/test-support/programs';
import { nodeHealthCommand } from '../../src/export/health-checks.js';
import { ensureBaseImages, pnpmPackageDir } from './base-images.js';
import { containerReport, driveHealthchecks, engineProblem, healthOf, podman, podmanLines, startPodmanService } from './podman.js';
import { runUserFlow } from './user-flow.js';

// The export on a real engine (issue 25): the exported Dockerfile built by podman without a
// registry, the Compose file started by docker-compose on podman's Docker-compatible API, the
// Kubernetes manifests by `podman kube play`; the seed's user journey through each gateway;
// then nothing left behind. Its own lane (vitest.engine.config.ts): it loads both cores.

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const cli = join(root, 'packages', 'cli', 'dist', 'bin.js');
const problem = engineProblem();
if (problem && backendsRequired()) throw new Error(`The container engine test cannot run here (TOPOLAB_REQUIRE_BACKENDS=1): ${problem}`);
if (problem) process.stdout.write(`engine: skipped: ${problem}\n`);

const run = randomBytes(3).toString('hex');
const image = `localhost/topolab:e2e-${run}`;
const work = mkdtempSync(join(tmpdir(), 'topolab-engine-'));
const figures: string[] = [];
const figure = (line: string) => {
  figures.push(line);
  process.stdout.write(`engine: ${line}\n`);
};

/** `topolab export <target> …` into `out`, as a user would run it. */
async function exportTo(target: 'compose' | 'kubernetes', out: string, flags: readonly string[]): Promise<void> {
  await execa('node', [cli, 'export', target, '--out', out, '--image', image, ...flags], { cwd: root, timeout: 60_000 });
}

/** The pnpm store this checkout installed from, shared read-only (overlay) with the build: no download, no compile. */
async function pnpmStore(): Promise<string | undefined> {
  const pnpm = pnpmPackageDir();
  if (!pnpm) return undefined;
  const out = await execa('node', [join(pnpm, 'bin', 'pnpm.cjs'), 'store', 'path'], { cwd: root, reject: false, timeout: 30_000 });
  const store = out.stdout.trim();
  return out.exitCode === 0 && existsSync(store) ? dirname(store) : undefined;
}

/** Waits until every container `filter` selects that has a health check reports healthy; returns the health map. */
async function waitHealthy(filter: readonly string[], expected: number, timeoutMs: number): Promise<Map<string, string>> {
  return vi.waitFor(
    async () => {
      const health = await healthOf(filter);
      const checked = [...health].filter(([, state]) => state !== 'none');
      if (checked.length >= expected && checked.every(([, state]) => state === 'healthy')) return health;
      throw new Error(`not every container became healthy within ${timeoutMs} ms: ${[...health].map(([name, state]) => `${name} ${state}`).join(', ')}`);
    },
    { timeout: timeoutMs, interval: 500 },
  );
}

/** Why auth#1 could not text a code, from its log (`one-time code not sent`), for the figures. */
async function notSentReason(container: string): Promise<string> {
  const logs = await execa('podman', ['logs', container], { reject: false });
  const line = `${logs.stdout}\n${logs.stderr}`.split('\n').find((entry) => entry.includes('one-time code not sent'));
  return line ? String((JSON.parse(line) as { fields?: { reason?: string } }).fields?.reason) : 'not in the log';
}

afterAll(async () => {
  if (!problem) await execa('podman', ['image', 'rm', '--force', image], { reject: false });
  rmSync(work, { recursive: true, force: true });
  if (figures.length > 0) process.stdout.write(`engine figures:\n${figures.map((line) => `  ${line}`).join('\n')}\n`);
});

describe.skipIf(problem !== undefined)('topolab export on a real engine (podman)', () => {
  beforeAll(async () => {
    const images = await ensureBaseImages((line) => process.stdout.write(`engine: ${line}\n`));
    figure(images.ms === 0 ? 'base images: already built on this machine' : `base images (mmdebstrap + import + pnpm): ${(images.ms / 1000).toFixed(1)} s`);
    const out = join(work, 'compose');
    await exportTo('compose', out, []);
    const store = await pnpmStore();
    if (!store) process.stdout.write('engine: no pnpm store found (run under `pnpm test`): the build downloads every package\n');
    const started = performance.now();
    await podman(
      [
        'build',
        '--quiet',
        '-f', join(out, 'Dockerfile'),
        '--ignorefile', join(out, 'Dockerfile.dockerignore'),
        '--build-arg', `BASE_IMAGE=${images.base}`,
        '--build-arg', `BUILD_IMAGE=${images.build}`,
        // With the store, nothing is downloaded: no network, so a miss fails at once instead of retrying.
        ...(store ? ['--volume', `${store}:/pnpm-store:O`, '--network', 'none'] : []),
        '--layers=false',
        '-t', image,
        root,
      ],
      { timeout: store ? 300_000 : 900_000 },
    );
    const size = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
    const total = Number(await podman(['image', 'inspect', image, '--format', '{{.Size}}']));
    const base = Number(await podman(['image', 'inspect', images.base, '--format', '{{.Size}}']));
    figure(`image build: ${((performance.now() - started) / 1000).toFixed(1)} s; image ${size(total)}, of which topolab's layers ${size(total - base)} over the base's ${size(base)}`);
  }, 900_000);

  it('the image runs as uid 1000 with production dependencies only', async () => {
    const listing = await podman(['run', '--rm', '--network', 'none', image, 'sh', '-c', 'id -u; ls packages/services; ls packages/services/node_modules']);
    const [uid, ...names] = listing.split('\n');
    expect(uid).toBe('1000');
    expect(names).toEqual(expect.arrayContaining(['bundle', 'node_modules', 'package.json', 'better-sqlite3', 'graphql']));
    for (const devOnly of ['typescript', 'vite', 'vitest', 'esbuild', '@types', 'src', 'dist']) expect(names).not.toContain(devOnly);
  });

  it('Compose: docker-compose starts the export on podman, every healthcheck passes, and a user registers, logs in with SMS codes, keeps a profile and mails', async () => {
    const out = join(work, 'compose-sidecar');
    const port = 18_000 + Math.floor(Math.random() * 2000);
    // auth sidecar: the sidecar joins the gateway's network (`network_mode: service:gateway-1`).
    await exportTo('compose', out, ['--auth', 'sidecar', '--port', String(port)]);
    const compose = parse(readFileSync(join(out, 'compose.yaml'), 'utf8')) as { services: Record<string, { environment?: Record<string, string> }> };
    const portOf = (name: string) => compose.services[name]!.environment![envNames.port]!;
    const project = `topolab-e2e-${run}`;
    const label = `label=com.docker.compose.project=${project}`;
    const service = await startPodmanService(join(work, 'podman.sock'));
    const env = { DOCKER_HOST: service.dockerHost };
    const dockerCompose = (args: readonly string[]) => execa('docker-compose', ['-p', project, '-f', join(out, 'compose.yaml'), ...args], { cwd: out, env, timeout: 300_000 });
    const health = driveHealthchecks([label]);
    try {
      const started = performance.now();
      await dockerCompose(['up', '-d']);
      const states = await waitHealthy([label], Object.keys(compose.services).length, 120_000);
      expect(states.size).toBe(Object.keys(compose.services).length);
      figure(`Compose: ${states.size} containers up and healthy in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      const flow = await runUserFlow(`http://127.0.0.1:${port}`, {
        container: `${project}_sms-1_1`,
        smsUrl: `http://127.0.0.1:${portOf('sms-1')}`,
        authSigningKey: readFileSync(join(out, 'secrets', 'auth-1-signing-key'), 'utf8'),
      }).catch(async (error: unknown) => {
        const report = await containerReport(['registry-1', 'auth-1', 'mail-1', 'gateway-1'].map((name) => `${project}_${name}_1`));
        process.stdout.write(`engine: the Compose flow failed; auth#1 could not text because: ${await notSentReason(`${project}_auth-1_1`)}\n${report}\n`);
        throw error;
      });
      expect(flow.displayName).toBe('Ada in a container');
      expect(flow.inboxSubjects).toContain(`hello from ${flow.username}`);
      if (flow.resends > 0 || flow.smsReadyMs > 5000) figure(`Compose: auth#1 first failed to text: ${await notSentReason(`${project}_auth-1_1`)}`);
      if (flow.smsReadyMs > 5000) process.stdout.write(`${await containerReport(['sms-1', 'auth-1'].map((name) => `${project}_${name}_1`), 15)}\n`);
      figure(`Compose: the gateway routed auth, profile and mail ${(flow.routedMs / 1000).toFixed(1)} s after that; auth texted its first code ${(flow.smsReadyMs / 1000).toFixed(1)} s after the gateway routed everything; the user flow in ${(flow.ms / 1000).toFixed(1)} s${flow.resends > 0 ? ` (${flow.resends} code resent: auth could not reach sms at first)` : ''}`);
    } finally {
      await health.stop();
      const started = performance.now();
      // A gateway whose sidecar still held its network can outlive the first `down` on podman: a second one removes it.
      await dockerCompose(['down', '--volumes', '--remove-orphans']).catch(() => undefined);
      if ((await podmanLines(['ps', '-a', '-q', '--filter', label])).length > 0) await dockerCompose(['down', '--volumes', '--remove-orphans']).catch(() => undefined);
      await service.stop();
      figure(`Compose: down in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    expect(await podmanLines(['ps', '-a', '-q', '--filter', label])).toEqual([]);
    expect(await podmanLines(['volume', 'ls', '-q', '--filter', label])).toEqual([]);
    expect(await podmanLines(['network', 'ls', '-q', '--filter', `name=${project}`])).toEqual([]);
  }, 600_000);

  it('Kubernetes: podman kube play runs the manifests, every probe passes, and the same user journey works through the gateway Service', async () => {
    const out = join(work, 'kubernetes');
    await exportTo('kubernetes', out, ['--discovery', 'server']);
    const manifest = readFileSync(join(out, 'topolab.yaml'), 'utf8');
    type Doc = { kind: string; metadata: { name: string }; spec?: Record<string, any>; stringData?: Record<string, string> };
    const documents = parseAllDocuments(manifest);
    const docs = documents.map((doc) => doc.toJS() as Doc);
    const deployments = docs.filter((doc) => doc.kind === 'Deployment');
    const services = docs.filter((doc) => doc.kind === 'Service');
    const secret = docs.find((doc) => doc.kind === 'Secret')!;
    const podOf = (deployment: Doc) => `${deployment.metadata.name}-pod-0`;
    const containerEnv = (deployment: string, name: string) =>
      deployments.find((doc) => doc.metadata.name === deployment)!.spec!.template.spec.containers[0].env.find((variable: { name: string }) => variable.name === name)?.value as string;
    const network = `topolab-e2e-${run}`;
    const volumesBefore = new Set(await podmanLines(['volume', 'ls', '-q']));
    const pods = deployments.map(podOf);
    const podFilter = pods.map((pod) => `pod=${pod}`);
    // Where podman 4.3 parts from Kubernetes, podman gets the manifests adapted (topolab.podman.yaml):
    // - it publishes every containerPort on the machine (Kubernetes never does), so two replicas
    //   would clash: the containers' `ports` lists go, which Kubernetes treats as informational
    //   (the Services name their targetPort by number);
    // - it runs an httpGet probe as `curl` inside the container, and the image has no curl (nor
    //   has node:20-slim); and it runs an exec probe as one shell line (its words joined by
    //   spaces, then `|| exit 1`): a topolab container's liveness probe becomes the same GET by
    //   Node's fetch, its script single-quoted for that shell.
    const played = join(out, 'topolab.podman.yaml');
    documents.forEach((document, index) => {
      if (docs[index]!.kind !== 'Deployment') return;
      const containers = docs[index]!.spec!.template.spec.containers as { image: string; livenessProbe?: { httpGet?: { path: string; port: number }; exec?: { command: string[] } } }[];
      containers.forEach((container, at) => {
        const path = ['spec', 'template', 'spec', 'containers', at];
        document.deleteIn([...path, 'ports']);
        const probe = container.livenessProbe;
        if (container.image !== image || !probe) return;
        const command = probe.httpGet ? nodeHealthCommand({ port: probe.httpGet.port, healthPath: probe.httpGet.path }) : probe.exec!.command;
        document.deleteIn([...path, 'livenessProbe', 'httpGet']);
        document.setIn([...path, 'livenessProbe', 'exec'], document.createNode({ command: [...command.slice(0, -1), `'${command.at(-1)!}'`] }));
      });
    });
    writeFileSync(played, documents.map((document) => String(document)).join('---\n'));
    let health: { stop(): Promise<void> } | undefined;
    try {
      await podman(['network', 'create', network]);
      // podman 4.3 writes no file for a Secret's stringData: fill the volume it mounts for the
      // Secret (named after it) with one file per key, as the kubelet projects them.
      expect(volumesBefore.has(secret.metadata.name)).toBe(false);
      await podman(['volume', 'create', secret.metadata.name]);
      const mountpoint = await podman(['volume', 'inspect', secret.metadata.name, '--format', '{{.Mountpoint}}']);
      for (const [key, value] of Object.entries(secret.stringData ?? {})) writeFileSync(join(mountpoint, key), value, { mode: 0o444 });
      const started = performance.now();
      // podman runs no kube-proxy and no cluster DNS: each Service's name becomes a network alias
      // of the pods it selects (`--network <net>:alias=…`), what its DNS name resolves to in a
      // cluster. So each Deployment is played alone, with its aliases, in the manifest's order
      // (the registry first); the Secret and the claims before them.
      const playOne = async (kinds: (doc: Doc) => boolean, aliases: readonly string[], name: string) => {
        const file = join(out, `${name}.podman.yaml`);
        writeFileSync(file, documents.filter((_document, index) => kinds(docs[index]!)).map((document) => String(document)).join('---\n'));
        const networkOption = aliases.length === 0 ? network : `${network}:${aliases.map((alias) => `alias=${alias}`).join(',')}`;
        await podman(['kube', 'play', '--network', networkOption, file], { timeout: 120_000 });
      };
      await playOne((doc) => doc.kind === 'Secret' || doc.kind === 'PersistentVolumeClaim', [], 'storage');
      for (const deployment of deployments) {
        const labels = deployment.spec!.template.metadata.labels as Record<string, string>;
        const aliases = services.filter((service) => Object.entries(service.spec!.selector as Record<string, string>).every(([key, value]) => labels[key] === value)).map((service) => service.metadata.name);
        await playOne((doc) => doc === deployment, aliases, deployment.metadata.name);
      }
      health = driveHealthchecks(podFilter);
      const containers = deployments.reduce((sum, deployment) => sum + (deployment.spec!.template.spec.containers as unknown[]).length, 0);
      const states = await waitHealthy(podFilter, containers, 180_000);
      figure(`Kubernetes: ${pods.length} pods, ${[...states.values()].filter((state) => state === 'healthy').length} containers live in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      const gatewayInfra = await podman(['pod', 'inspect', 'gateway-1-pod-0', '--format', '{{.InfraContainerID}}']);
      const address = await podman(['inspect', gatewayInfra, '--format', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`]);
      const gatewayService = services.find((service) => service.metadata.name === 'gateway')!;
      const flow = await runUserFlow(`http://${address}:${gatewayService.spec!.ports[0].port}`, {
        container: 'sms-1-pod-0-sms',
        smsUrl: `http://127.0.0.1:${containerEnv('sms-1', envNames.port)}`,
        authSigningKey: secret.stringData!['auth-1-signing-key']!,
      }).catch(async (error: unknown) => {
        // What the pods saw: the names as sms resolves them, each pod's address, each container's state.
        const seen = await execa('podman', ['exec', 'sms-1-pod-0-sms', 'getent', 'hosts', 'auth-1', 'registry-1', 'gateway'], { reject: false });
        const addresses = await execa('podman', ['ps', '-a', '--filter', `network=${network}`, '--format', '{{.Names}} {{.Status}} {{.Networks}}'], { reject: false });
        process.stdout.write(`engine: the flow failed; sms resolves:\n${seen.stdout}\ncontainers:\n${addresses.stdout}\nauth#1 could not text because: ${await notSentReason('auth-1-pod-0-auth')}\n`);
        process.stdout.write(`${await containerReport(['registry', 'auth', 'mail', 'lb', 'gateway'].map((name) => `${name}-1-pod-0-${name}`))}\n`);
        throw error;
      });
      expect(flow.displayName).toBe('Ada in a container');
      expect(flow.inboxSubjects).toContain(`hello from ${flow.username}`);
      if (flow.resends > 0 || flow.smsReadyMs > 5000) figure(`Kubernetes: auth#1 first failed to text: ${await notSentReason('auth-1-pod-0-auth')}`);
      if (flow.smsReadyMs > 5000) process.stdout.write(`${await containerReport(['sms-1-pod-0-sms', 'auth-1-pod-0-auth'], 15)}\n`);
      figure(`Kubernetes: the gateway routed auth, profile and mail ${(flow.routedMs / 1000).toFixed(1)} s after that; auth texted its first code ${(flow.smsReadyMs / 1000).toFixed(1)} s after the gateway routed everything; the user flow in ${(flow.ms / 1000).toFixed(1)} s${flow.resends > 0 ? ` (${flow.resends} code resent: auth could not reach sms at first)` : ''}`);
      // The manifests' hardening, as the engine applied it.
      const profile = await podman(['inspect', 'profile-1-pod-0-profile', '--format', '{{.Config.User}} {{.HostConfig.ReadonlyRootfs}} {{len .EffectiveCaps}} {{.HostConfig.Memory}}']);
      expect(profile).toBe(`1000:1000 true 0 ${256 * 1024 * 1024}`);
    } finally {
      await health?.stop();
      const started = performance.now();
      await execa('podman', ['kube', 'down', played], { reject: false, timeout: 300_000 });
      await execa('podman', ['secret', 'rm', secret.metadata.name], { reject: false });
      const created = (await podmanLines(['volume', 'ls', '-q'])).filter((volume) => !volumesBefore.has(volume));
      if (created.length > 0) await execa('podman', ['volume', 'rm', '--force', ...created], { reject: false });
      await execa('podman', ['network', 'rm', '--force', network], { reject: false });
      figure(`Kubernetes: down in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    expect((await podmanLines(['pod', 'ps', '-q', ...podFilter.map((f) => `--filter=name=${f.slice(4)}`)]))).toEqual([]);
    expect((await podmanLines(['volume', 'ls', '-q'])).filter((volume) => !volumesBefore.has(volume))).toEqual([]);
    expect(await podmanLines(['network', 'ls', '-q', '--filter', `name=${network}`])).toEqual([]);
    expect((await podmanLines(['secret', 'ls', '--format', '{{.Name}}'])).filter((name) => name === secret.metadata.name)).toEqual([]);
  }, 600_000);
});
