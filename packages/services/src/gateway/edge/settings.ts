import { envNames } from '../../contract/env.js';
import * as z from '../../kit/zod.js';

/** How the gateway meets clients: HTTPS with the topology's certificate, and plain HTTP that redirects to it. */
export interface EdgeSettings {
  /** PEM files of the certificate chain and key; undefined without TLS (`--no-tls`): the main listener is plain HTTP. */
  readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
  /** The plain-HTTP listener that answers 308 to HTTPS (only with TLS); 0 lets the OS pick. */
  readonly redirectPort: number;
  /** The HTTPS port the redirect points to; 0: this instance's own HTTPS port. */
  readonly httpsPort: number;
}

const port = z.coerce.number().check(z.int(), z.gte(0), z.lte(65535));

/** `TOPOLAB_*` variables of the edge settings. */
export const edgeSettingsSchema = z
  .object({
    [envNames.tlsCertFile]: z.optional(z.string().check(z.minLength(1))),
    [envNames.tlsKeyFile]: z.optional(z.string().check(z.minLength(1))),
    [envNames.redirectPort]: z._default(port, 0),
    [envNames.httpsPort]: z._default(port, 0),
  })
  .check(
    z.refine((env) => (env[envNames.tlsCertFile] === undefined) === (env[envNames.tlsKeyFile] === undefined), {
      message: 'the certificate and the key come together',
      path: [envNames.tlsKeyFile],
    }),
  );

/** Maps the validated variables to settings. */
export function toEdgeSettings(raw: z.output<typeof edgeSettingsSchema>): EdgeSettings {
  const certFile = raw[envNames.tlsCertFile];
  const keyFile = raw[envNames.tlsKeyFile];
  return {
    tls: certFile && keyFile ? { certFile, keyFile } : undefined,
    redirectPort: raw[envNames.redirectPort],
    httpsPort: raw[envNames.httpsPort],
  };
}
