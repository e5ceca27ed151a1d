import { nginxArgs, nginxConfigPath, type Catalog } from '@topolab/services/contract';
import type { ProgramLaunch } from '../supervisor/program-child.js';
import { ensurePrivateDir } from '../topology/private-files.js';
import { answersOk } from './probes.js';
import type { SpanListener } from './span-listener.js';

/** Where the topology's nginx runs. */
export interface NginxLaunchOptions {
  readonly binary: string;
  readonly host: string;
  readonly port: number;
  /** Its prefix directory (`<data-dir>/nginx`), where nginx-sync writes nginx.conf. */
  readonly dir: string;
  /** `nginx#1`: its spans and its registration carry this id. */
  readonly instanceId: string;
  /** The registry, which must list nginx as an lb instance before it is ready. */
  readonly registryUrl: string;
  /** Where nginx's access log arrives (syslog), as spans. */
  readonly spans: SpanListener;
  /** The health location it answers (the manifest's `program.healthPath`). @default '/_topolab/health' */
  readonly healthPath?: string;
}

/** The nginx.conf nginx-sync renders in `dir` (declared in the contract, which both sides read). */
export { nginxConfigPath };

/**
 * nginx in the foreground with the config nginx-sync rendered from the registry; its access
 * log (to the span listener, over syslog) becomes its spans. Ready once it answers its own health location and the
 * registry lists it among the lb instances (nginx-sync registers it on its behalf), so a
 * gateway in server mode finds it as soon as the topology is ready.
 */
export function nginxLaunch(options: NginxLaunchOptions): ProgramLaunch {
  const { host, port, dir, instanceId } = options;
  // 0700: nginx.conf, nginx.pid, error.log and the temp paths stay the user's.
  ensurePrivateDir(dir);
  const address = `${host}:${port}`;
  const spans = options.spans;
  return {
    binary: options.binary,
    args: nginxArgs(dir),
    address: { host, port },
    cwd: dir,
    group: true,
    probe: async () =>
      (await answersOk(`http://${address}${options.healthPath ?? '/_topolab/health'}`)) &&
      answersOk(`${options.registryUrl}/v1/catalog`, 500, (body) => ((JSON.parse(body) as Catalog).services.lb ?? []).some((instance) => instance.instanceId === instanceId)),
    spans: (deliver) => spans.subscribe(deliver),
  };
}
