import { stringifyPortableYaml } from './portable-yaml.js';
import type { ExportFile } from './export-files.js';
import { isHardened, secretsMountPath, type ExportInstance, type ExportPlan } from './export-plan.js';
import { nodeHealthCommand, redisAnswersPing } from './health-checks.js';

function healthcheck(instance: ExportInstance): Record<string, unknown> {
  const test =
    instance.runs === 'redis'
      ? ['CMD-SHELL', redisAnswersPing]
      : instance.runs === 'nginx'
        ? ['CMD', 'wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${instance.port}${instance.healthPath}`]
        : ['CMD', ...nodeHealthCommand(instance)];
  return { test, interval: '2s', timeout: '2s', retries: 15, start_period: '5s' };
}

/** The named volume of a folder pod-mates share: the one of the instance whose network they use. */
const sharedVolumeOf = (instance: ExportInstance) => `${instance.colocatedWith ?? instance.name}-conf`;

function service(instance: ExportInstance): Record<string, unknown> {
  const shared = instance.colocatedWith;
  const volumes = [...(instance.dataDir && instance.dataVolume ? [`${instance.dataVolume}:${instance.dataDir}`] : []), ...(instance.sharedDir ? [`${sharedVolumeOf(instance)}:${instance.sharedDir}`] : [])];
  return {
    image: instance.image,
    ...(instance.runs === 'node' ? { pull_policy: 'never' } : {}),
    // A companion has no network of its own: it answers on its host's name (its host's hostname).
    ...(shared ? { network_mode: `service:${shared}` } : { hostname: instance.name, networks: ['topolab'] }),
    ...(instance.sharesProcesses && shared ? { pid: `service:${shared}` } : {}),
    ...(instance.root ? { user: 'root' } : {}),
    ...(isHardened(instance) ? { read_only: true, tmpfs: ['/tmp'], cap_drop: ['ALL'], security_opt: ['no-new-privileges:true'] } : {}),
    command: [...instance.command],
    ...(Object.keys(instance.env).length > 0 || instance.secrets.some((secret) => secret.env)
      ? { environment: { ...instance.env, ...Object.fromEntries(instance.secrets.flatMap((secret) => (secret.env ? [[`${secret.env}_FILE`, `${secretsMountPath}/${secret.name}`]] : []))) } }
      : {}),
    ...(instance.secrets.length > 0 ? { secrets: instance.secrets.map((secret) => secret.name) } : {}),
    ...(volumes.length > 0 ? { volumes } : {}),
    ...(instance.publish ? { ports: [`${instance.publish.host}:${instance.publish.container}`] } : {}),
    ...(instance.dependsOn.length > 0 || shared
      ? { depends_on: Object.fromEntries([...(shared ? [[shared, { condition: 'service_started' }]] : []), ...instance.dependsOn.map((name) => [name, { condition: 'service_healthy' }])]) }
      : {}),
    healthcheck: healthcheck(instance),
    restart: 'unless-stopped',
    labels: { 'dev.topolab.instance': instance.id, 'dev.topolab.service': instance.service },
  };
}

/**
 * The Compose file (compose-spec): one service per instance on a `topolab` network, health
 * checks on `/health` that gate `depends_on`, a named volume per database, each secret a
 * Compose secret read through `<NAME>_FILE` (files in `secrets/`, a folder only you can open), gateway #1
 * published on the host.
 */
export function renderCompose(plan: ExportPlan): ExportFile[] {
  const services = Object.fromEntries(plan.instances.map((instance) => [instance.name, service(instance)]));
  const volumes = Object.fromEntries(
    plan.instances.flatMap((instance) => [
      ...(instance.dataVolume ? [[instance.dataVolume, {}]] : []),
      ...(instance.sharedDir && !instance.colocatedWith ? [[sharedVolumeOf(instance), {}]] : []),
    ]),
  );
  const secrets = plan.instances.flatMap((instance) => instance.secrets);
  // No top-level `name`: the compose-spec schema the tests check against predates it; `-p topolab` names the project.
  const compose = {
    services,
    networks: { topolab: {} },
    ...(Object.keys(volumes).length > 0 ? { volumes } : {}),
    ...(secrets.length > 0 ? { secrets: Object.fromEntries(secrets.map((secret) => [secret.name, { file: `./secrets/${secret.name}` }])) } : {}),
  };
  const header = `# topolab: the topology for Docker Compose (discovery ${plan.modes.discovery}, auth ${plan.modes.auth}, ${plan.timingsPreset} timings).\n# docker build -f Dockerfile -t ${plan.image} <the topolab checkout>  then  docker compose -p topolab up -d\n`;
  return [
    { path: 'compose.yaml', content: header + stringifyPortableYaml(compose) },
    // 0644 inside a 0700 folder: only you can reach them here, and the container's user (node) can read its bind mount.
    ...secrets.map((secret) => ({ path: `secrets/${secret.name}`, content: secret.value, mode: 0o644, dirMode: 0o700 })),
  ];
}
