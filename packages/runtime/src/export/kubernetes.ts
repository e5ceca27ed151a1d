import { stringifyPortableYaml } from './portable-yaml.js';
import type { ExportFile } from './export-files.js';
import { imageUser } from './dockerfile.js';
import { isHardened, secretsMountPath, type ExportInstance, type ExportPlan } from './export-plan.js';
import { nodeHealthCommand, redisAnswersPing } from './health-checks.js';

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
  const check =
    instance.runs === 'redis'
      ? { exec: { command: ['sh', '-c', redisAnswersPing] } }
      : instance.loopbackOnly
        ? { exec: { command: nodeHealthCommand(instance) } }
        : { httpGet: { path: instance.healthPath ?? '/health', port: instance.port } };
  return { ...check, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 5 };
}

/**
 * Requests and limits, from the idle RSS of each process measured under `topolab up` (55 to
 * 65 MB for every Node service, in docs/export.md): the request is that plus half again, the
 * limit four times it; a twentieth of a CPU at rest, half a CPU at most (the gateway, which
 * proxies every request, a tenth and a whole one). redis-server and nginx idle under 10 MB.
 */
export function resourcesOf(instance: Pick<ExportInstance, 'runs' | 'proxy'>): { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } } {
  if (instance.runs !== 'node') return { requests: { cpu: '20m', memory: '32Mi' }, limits: { cpu: '500m', memory: '128Mi' } };
  if (instance.proxy) return { requests: { cpu: '100m', memory: '96Mi' }, limits: { cpu: '1', memory: '256Mi' } };
  return { requests: { cpu: '50m', memory: '96Mi' }, limits: { cpu: '500m', memory: '256Mi' } };
}

/**
 * A topolab service (the image's uid ${imageUser.uid}, never root) runs with a read-only root, no
 * capability and no way to gain privileges; it writes only /data and /tmp (emptyDirs). The
 * images of redis and nginx keep their own users (their entrypoints switch from root), and
 * nginx-sync runs as root to signal nginx's master: they get no privilege escalation only.
 */
function securityContextOf(instance: ExportInstance): Record<string, unknown> {
  if (instance.root) return { runAsUser: 0, allowPrivilegeEscalation: false };
  if (instance.runs !== 'node') return { allowPrivilegeEscalation: false };
  return { runAsNonRoot: true, runAsUser: imageUser.uid, runAsGroup: imageUser.gid, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } };
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
    ...(isHardened(instance) ? [{ name: 'tmp', mountPath: '/tmp' }] : []),
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
    resources: resourcesOf(instance),
    securityContext: securityContextOf(instance),
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
  const isReplicated = (service: string) => pods.filter((instance) => instance.service === service).length > 1;
  // One claim per service that keeps a database, shared by its replicas (the engine's default storage class).
  for (const volume of [...new Set(plan.instances.flatMap((instance) => (instance.dataVolume ? [instance.dataVolume] : [])))]) {
    objects.push({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: volume, namespace, labels: { 'app.kubernetes.io/part-of': 'topolab' } },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
  }
  for (const host of pods) {
    const mates = plan.instances.filter((instance) => instance.colocatedWith === host.name);
    const members = [host, ...mates];
    const labels = labelsOf(host);
    const volumes = [
      ...members.flatMap((member) => (member.dataVolume ? [{ name: 'data', persistentVolumeClaim: { claimName: member.dataVolume } }] : [])),
      ...(members.some((member) => member.sharedDir) ? [{ name: 'nginx-conf', emptyDir: {} }] : []),
      ...(members.some(isHardened) ? [{ name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } }] : []),
      // Only this pod's secrets, readable by the images' own users (node, redis): no other pod mounts them.
      // `optional: false` is Kubernetes' default, written out: podman 4.3's kube play dereferences it.
      ...(fileSecretsOf(members).length > 0 ? [{ name: 'secret-files', secret: { secretName, optional: false, defaultMode: 0o444, items: fileSecretsOf(members).map((secret) => ({ key: secret.name, path: secret.name })) } }] : []),
    ];
    const replicated = isReplicated(host.service);
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
            ...(members.some((member) => member.sharesProcesses) ? { shareProcessNamespace: true } : {}),
            // fsGroup: the emptyDirs belong to the image's group; RuntimeDefault: the engine's seccomp filter.
            securityContext: { ...(members.every(isHardened) ? { runAsNonRoot: true } : {}), fsGroup: imageUser.gid, seccompProfile: { type: 'RuntimeDefault' } },
            automountServiceAccountToken: false,
            // Replicas share their service's volume (ReadWriteOnce): they run on one node, as one SQLite file wants.
            ...(replicated && host.dataVolume
              ? { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { 'app.kubernetes.io/name': host.service } }, topologyKey: 'kubernetes.io/hostname' }] } } }
              : {}),
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
    const labels = { 'app.kubernetes.io/name': service, 'app.kubernetes.io/part-of': 'topolab' };
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: pods.some((instance) => instance.service === service && instance.publish) ? service : `${service}-all`, namespace, labels },
      spec: { selector: { 'app.kubernetes.io/name': service }, ports: [{ name: 'http', port: first.port, targetPort: first.port }] },
    });
    // A drain (a node upgrade) takes one instance of a replicated service at a time, never all.
    if (isReplicated(service)) {
      objects.push({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: service, namespace, labels }, spec: { minAvailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': service } } } });
    }
  }
  return objects;
}

/** `topolab.yaml`: every object, one YAML document each, for `kubectl apply -f`. */
export function renderKubernetes(plan: ExportPlan): ExportFile[] {
  const header = `# topolab: the topology for Kubernetes (discovery ${plan.modes.discovery}, auth ${plan.modes.auth}, ${plan.timingsPreset} timings).\n# kind load docker-image ${plan.image}  then  kubectl apply -f topolab.yaml\n`;
  const documents = kubernetesObjects(plan).map((object) => stringifyPortableYaml(object));
  return [{ path: 'topolab.yaml', content: header + documents.join('---\n'), mode: 0o600 }];
}
