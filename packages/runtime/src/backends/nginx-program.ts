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

/** What nginxProgram needs: where nginx runs and when it serves. */
export interface NginxProgramOptions {
  readonly binary: string;
  readonly host: string;
  readonly port: number;
  /** Its prefix directory, holding nginx.conf (contract's nginxFiles). */
  readonly dir: string;
  /** True once it serves. */
  readonly probe: () => Promise<boolean>;
  /** Where its spans come from. @default none */
  readonly spans?: SpanListener;
}

/**
 * The one launch of every nginx topolab runs (the topology's lb, the bench's reference proxy):
 * in the foreground with prefix `dir` (nginxArgs), in a process group of its own (a signal
 * reaches the master and its worker), ready once `probe` answers.
 */
export function nginxProgram(options: NginxProgramOptions): ProgramLaunch {
  const { host, port, dir, spans } = options;
  return {
    binary: options.binary,
    args: nginxArgs(dir),
    address: { host, port },
    cwd: dir,
    group: true,
    probe: options.probe,
    ...(spans ? { spans: (deliver: Parameters<NonNullable<ProgramLaunch['spans']>>[0]) => spans.subscribe(deliver) } : {}),
  };
}

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
  return nginxProgram({
    binary: options.binary,
    host,
    port,
    dir,
    spans: options.spans,
    probe: async () =>
      (await answersOk(`http://${host}:${port}${options.healthPath ?? '/_topolab/health'}`)) &&
      answersOk(`${options.registryUrl}/v1/catalog`, 500, (body) => ((body as Catalog).services.lb ?? []).some((instance) => instance.instanceId === instanceId)),
  });
}
