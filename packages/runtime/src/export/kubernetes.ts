import { stringifyPortableYaml } from './portable-yaml.js';
import type { ExportFile } from './export-files.js';
import { secretsMountPath, type ExportInstance, type ExportPlan } from './export-plan.js';
import { redisAnswersPing } from './redis-health.js';

/** One Kubernetes object, as plain data (apiVersion, kind, metadata, …). */
export type KubernetesObject = Record<string, unknown> & { readonly apiVersion: string; readonly kind: string; readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> } };

const namespace = 'topolab';
const secretName = 'topolab-credentials';

const labelsOf = (instance: ExportInstance) => ({
  'app.kubernetes.io/name': instance.service,
  'app.kubernetes.io/part-of': 'topolab',
  'topolab.dev/instance': instance.name,
});

function probe(instance: ExportInstance): Record<string, unknown> {
  const check = instance.runs === 'redis' ? { exec: { command: ['sh', '-c', redisAnswersPing] } } : { httpGet: { path: instance.healthPath ?? '/health', port: instance.port } };
  return { ...check, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 5 };
}

/**
 * The secrets of `members` (a pod's containers), mounted as files: each reads its own through
 * `<NAME>_FILE` (redis-server its ACL file by path), never through an environment variable,
 * which `/proc/<pid>/environ` and `kubectl describe` would show.
 */
const fileSecretsOf = (members: readonly ExportInstance[]) => members.flatMap((member) => member.secrets);

function container(instance: ExportInstance): Record<string, unknown> {
  const env = [
    ...Object.entries(instance.env).map(([name, value]) => ({ name, value })),
    ...instance.secrets.flatMap((secret) => (secret.env ? [{ name: `${secret.env}_FILE`, value: `${secretsMountPath}/${secret.name}` }] : [])),
  ];
  const mounts = [
    ...(instance.dataDir ? [{ name: 'data', mountPath: instance.dataDir }] : []),
    ...(instance.secrets.length > 0 ? [{ name: 'secret-files', mountPath: secretsMountPath, readOnly: true }] : []),
    ...(instance.sharedDir ? [{ name: 'nginx-conf', mountPath: instance.sharedDir }] : []),
  ];
  return {
    name: instance.service,
    image: instance.image,
    ...(instance.runs === 'node' ? { imagePullPolicy: 'IfNotPresent' } : {}),
    command: [...instance.command],
    ports: [{ name: instance.runs === 'redis' ? 'redis' : 'http', containerPort: instance.port }],
    ...(env.length > 0 ? { env } : {}),
    ...(mounts.length > 0 ? { volumeMounts: mounts } : {}),
    readinessProbe: probe(instance),
    livenessProbe: { ...probe(instance), initialDelaySeconds: 10, failureThreshold: 10 },
    ...(instance.root ? { securityContext: { runAsUser: 0 } } : {}),
  };
}

/**
 * One Deployment per instance (replicas 1, Recreate: it has its own id, lease and client
 * secret), its pod-mates in the same pod (a gateway's sidecar; nginx-sync beside nginx, with a
 * shared process namespace so it can SIGHUP nginx), a Service per instance (the name it
 * registers under) and one per service (kube-proxy's own server-side discovery), all the
 * secrets in one Secret, in the namespace `topolab`.
 */
export function kubernetesObjects(plan: ExportPlan): KubernetesObject[] {
  const objects: KubernetesObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'app.kubernetes.io/part-of': 'topolab' } } },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: secretName, namespace },
      type: 'Opaque',
      stringData: Object.fromEntries(plan.instances.flatMap((instance) => instance.secrets.map((secret) => [secret.name, secret.value]))),
    },
  ];
  const pods = plan.instances.filter((instance) => instance.colocatedWith === undefined);
  for (const host of pods) {
    const mates = plan.instances.filter((instance) => instance.colocatedWith === host.name);
    const members = [host, ...mates];
    const labels = labelsOf(host);
    const volumes = [
      ...(members.some((member) => member.dataDir) ? [{ name: 'data', emptyDir: {} }] : []),
      ...(members.some((member) => member.sharedDir) ? [{ name: 'nginx-conf', emptyDir: {} }] : []),
      // Only this pod's secrets, readable by the images' own users (node, redis): no other pod mounts them.
      ...(fileSecretsOf(members).length > 0 ? [{ name: 'secret-files', secret: { secretName, defaultMode: 0o444, items: fileSecretsOf(members).map((secret) => ({ key: secret.name, path: secret.name })) } }] : []),
    ];
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: host.name, namespace, labels, annotations: { 'topolab.dev/instance-id': host.id } },
      spec: {
        replicas: 1,
        strategy: { type: 'Recreate' },
        selector: { matchLabels: { 'topolab.dev/instance': host.name } },
        template: {
          metadata: { labels },
          spec: {
            ...(members.some((member) => member.service === 'nginx-sync') ? { shareProcessNamespace: true } : {}),
            containers: members.map(container),
            ...(volumes.length > 0 ? { volumes } : {}),
          },
        },
      },
    });
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: host.name, namespace, labels },
      spec: {
        selector: { 'topolab.dev/instance': host.name },
        // The host's port only: its pod-mates (a gateway's sidecar, nginx-sync) answer their host on 127.0.0.1, nobody else.
        ports: [{ name: host.runs === 'redis' ? 'redis' : 'http', port: host.port, targetPort: host.port }],
      },
    });
  }
  const services = [...new Set(pods.map((instance) => instance.service))];
  for (const service of services) {
    const first = pods.find((instance) => instance.service === service)!;
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: service === 'gateway' ? 'gateway' : `${service}-all`, namespace, labels: { 'app.kubernetes.io/name': service, 'app.kubernetes.io/part-of': 'topolab' } },
      spec: { selector: { 'app.kubernetes.io/name': service }, ports: [{ name: 'http', port: first.port, targetPort: first.port }] },
    });
  }
  return objects;
}

/** `topolab.yaml`: every object, one YAML document each, for `kubectl apply -f`. */
export function renderKubernetes(plan: ExportPlan): ExportFile[] {
  const header = `# topolab: the topology for Kubernetes (discovery ${plan.modes.discovery}, auth ${plan.modes.auth}, ${plan.timingsPreset} timings).\n# kind load docker-image ${plan.image}  then  kubectl apply -f topolab.yaml\n`;
  const documents = kubernetesObjects(plan).map((object) => stringifyPortableYaml(object));
  return [{ path: 'topolab.yaml', content: header + documents.join('---\n'), mode: 0o600 }];
}
