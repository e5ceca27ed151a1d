import type { ExportInstance } from './export-plan.js';

/**
 * The health check of an exported redis-server, run by a shell in its container: PONG, or
 * NOAUTH (the default user is off and the check holds no password), means it is up.
 * redis-cli exits 0 on an error reply, so its answer is what decides.
 */
export const redisAnswersPing = 'redis-cli ping | grep -Eq "PONG|NOAUTH"';

/**
 * The health check of a topolab service, run inside its container: Node's fetch, as the image
 * has no curl. The script has no space: podman's Docker-compatible API (4.3) splits a CMD's
 * arguments at spaces. A Compose `CMD`, or (without it) a Kubernetes exec probe.
 */
export function nodeHealthCommand(instance: Pick<ExportInstance, 'port' | 'healthPath'>): string[] {
  const url = `http://127.0.0.1:${instance.port}${instance.healthPath ?? '/health'}`;
  return ['node', '-e', `fetch(${JSON.stringify(url)}).then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))`];
}
