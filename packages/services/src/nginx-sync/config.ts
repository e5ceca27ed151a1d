import { envNames } from '../contract/env.js';
import { parseEnv, parseServiceConfig, type ServiceConfig } from '../kit/config.js';
import { nginxUserName } from './render-config.js';
import { proxySettingsSchema, toProxySettings, type ProxySettings } from '../kit/proxy/settings.js';
import * as z from '../kit/zod.js';

/** Where the nginx that nginx-sync drives listens and keeps its files. */
export interface NginxTarget {
  readonly host: string;
  readonly port: number;
  /** The host nginx is registered under when others reach it by another name (nginx-sync's TOPOLAB_ADVERTISE_HOST: they share a pod). */
  readonly advertiseHost?: string;
  /** Prefix directory: nginx.conf, nginx.pid, error.log, temp paths. */
  readonly dir: string;
  /** The id nginx is registered under (`nginx#1`). */
  readonly instanceId: string;
  /** Where nginx sends its access log (syslog over UDP), which the supervisor turns into spans. @default undefined (no access log) */
  readonly logAddress?: string;
  /** The `user` nginx's worker runs as, when its master is root. @default undefined (no `user` directive: nginx's own default) */
  readonly workerUser?: string;
}

/** nginx-sync's configuration: the shared one, the proxy settings nginx gets, and its nginx. */
export type NginxSyncConfig = ServiceConfig & ProxySettings & { readonly nginx: NginxTarget };

const nginxSchema = z.object({
  [envNames.nginxHost]: z.string().check(z.minLength(1)),
  [envNames.nginxPort]: z.coerce.number().check(z.int(), z.gte(1), z.lte(65535)),
  [envNames.nginxDir]: z.string().check(z.minLength(1)),
  [envNames.nginxInstance]: z.string().check(z.regex(/^[a-z][a-z0-9-]*#[1-9][0-9]*$/)),
  [envNames.nginxLogAddress]: z.optional(z.string().check(z.regex(/^[0-9.]+:[0-9]+$/))),
  [envNames.nginxWorkerUser]: z.optional(z.string().check(z.regex(nginxUserName))),
});

/** Reads nginx-sync's configuration once; throws a ConfigError naming each bad variable. */
export function parseNginxSyncConfig(env: NodeJS.ProcessEnv = process.env): NginxSyncConfig {
  const nginx = parseEnv(nginxSchema, env);
  const service = parseServiceConfig(env);
  return Object.freeze({
    ...service,
    ...toProxySettings(parseEnv(proxySettingsSchema, env)),
    nginx: Object.freeze({
      host: nginx[envNames.nginxHost],
      port: nginx[envNames.nginxPort],
      dir: nginx[envNames.nginxDir],
      instanceId: nginx[envNames.nginxInstance],
      ...(service.advertiseHost === undefined ? {} : { advertiseHost: service.advertiseHost }),
      ...(nginx[envNames.nginxLogAddress] === undefined ? {} : { logAddress: nginx[envNames.nginxLogAddress] }),
      ...(nginx[envNames.nginxWorkerUser] === undefined ? {} : { workerUser: nginx[envNames.nginxWorkerUser] }),
    }),
  });
}
