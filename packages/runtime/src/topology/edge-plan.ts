import { envNames, type ServiceSpec } from '@topolab/services/contract';
import type { TlsMaterial } from '../edge/tls-material.js';
import type { InstanceInfo } from '../supervisor/instance-info.js';
import { gatewayPortOf, hasLoopbackBlock, planAddress } from './addresses.js';

/** Where one gateway instance listens. */
export interface GatewayListen {
  readonly host: string;
  /** The main listener, registered in the registry: HTTPS with TLS, else plain HTTP. 0: the OS picks. */
  readonly port: number;
  /** The plain-HTTP listener that redirects to HTTPS (TLS only). */
  readonly redirectPort: number | undefined;
}

/** Options of createEdgePlan. */
export interface EdgePlanOptions {
  readonly gatewaySpec: Pick<ServiceSpec, 'name' | 'addressOctet'>;
  /** The host gateway #1 binds, where users send requests (`127.0.0.1`). */
  readonly gatewayHost: string;
  /** The plain-HTTP port: the main one without TLS, the redirect with it. */
  readonly httpPort: number;
  /** The HTTPS port (TLS only). */
  readonly httpsPort: number;
  /** The CA and certificate of the topology, being issued while the first services start; undefined for plain HTTP. */
  readonly tls: Promise<TlsMaterial> | undefined;
  /** @default process.platform */
  readonly platform?: NodeJS.Platform;
}

/** The gateways' addresses and edge variables: one port number for all of them, each on its own address, so DNS can list them. */
export interface EdgePlan {
  /**
   * True where every gateway can bind the same ports on its own loopback address (gateway #1
   * on the public host, #n on 127.0.2.n), so one A record per gateway reaches it; else gateway
   * #n takes the ports after #1's (`port + n - 1`) on the public host, as a Compose port range would.
   */
  readonly sharesPorts: boolean;
  /** The TLS material, once issued (before any gateway starts); undefined for plain HTTP. */
  readonly tls: TlsMaterial | undefined;
  /** Where gateway #index listens; with shared ports picked by the OS, waits until the first gateway reported them. */
  listenOf(index: number): Promise<GatewayListen>;
  /** The edge variables of a gateway that listens at `listen` (waits for the certificate). */
  envOf(listen: GatewayListen): Promise<Record<string, string>>;
  /** Takes note of a ready gateway's ports (the first one fixes the shared ports). */
  learn(info: InstanceInfo): void;
  /** The first gateway failed to start: whoever waits for its ports fails with it. */
  fail(error: unknown): void;
  /** `https://host:port` (or http) of a gateway instance's main listener. */
  urlOf(info: Pick<InstanceInfo, 'host' | 'port'>): string;
  /** The shared HTTPS (or HTTP without TLS) port, once known (gateway #1's where ports are not shared). */
  port(): number | undefined;
  /** The shared redirect port, once known (TLS only). */
  redirectPort(): number | undefined;
}

/** Plans the gateways' listeners: ports pinned, or picked by the OS for the first gateway and shared by the others. */
export function createEdgePlan(options: EdgePlanOptions): EdgePlan {
  const issuing = options.tls;
  issuing?.catch(() => undefined);
  let material: TlsMaterial | undefined;
  const tls = issuing !== undefined;
  const mainBase = tls ? options.httpsPort : options.httpPort;
  const sharesPorts = hasLoopbackBlock(options.platform) && options.gatewayHost.startsWith('127.');
  let main: number | undefined = mainBase === 0 ? undefined : mainBase;
  let redirect: number | undefined = tls ? (options.httpPort === 0 ? undefined : options.httpPort) : undefined;
  let settle!: { resolve: () => void; reject: (error: unknown) => void };
  const known = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  known.catch(() => undefined);
  const portsKnown = () => main !== undefined && (!tls || redirect !== undefined);
  if (portsKnown()) settle.resolve();

  const hostOf = (index: number) => (index === 1 || !sharesPorts ? options.gatewayHost : `127.0.${options.gatewaySpec.addressOctet}.${index}`);

  return {
    sharesPorts,
    get tls() {
      return material;
    },
    async listenOf(index) {
      if (!sharesPorts) {
        const planned = planAddress({ spec: { ...options.gatewaySpec, listener: 'edge' }, index, gatewayHost: options.gatewayHost, gatewayPort: mainBase, ...(options.platform ? { platform: options.platform } : {}) });
        return { host: planned.host, port: planned.port, redirectPort: tls ? gatewayPortOf(index, options.httpPort) : undefined };
      }
      if (index > 1 && !portsKnown()) await known;
      return { host: hostOf(index), port: main ?? 0, redirectPort: tls ? (redirect ?? 0) : undefined };
    },
    async envOf(listen) {
      if (!issuing) return {};
      material = await issuing;
      return {
        [envNames.tlsCertFile]: material.certFile,
        [envNames.tlsKeyFile]: material.keyFile,
        [envNames.redirectPort]: String(listen.redirectPort ?? 0),
        ...(sharesPorts && main !== undefined ? { [envNames.httpsPort]: String(main) } : {}),
      };
    },
    learn(info) {
      if (portsKnown() || (!sharesPorts && info.index !== 1)) return;
      main ??= info.port;
      if (tls) redirect ??= info.endpoints.http?.port;
      if (portsKnown()) settle.resolve();
    },
    fail(error) {
      if (!portsKnown()) settle.reject(error);
    },
    urlOf(info) {
      const host = info.host === '0.0.0.0' ? '127.0.0.1' : info.host === '::' ? '::1' : info.host;
      return `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${info.port}`;
    },
    port: () => main,
    redirectPort: () => redirect,
  };
}
