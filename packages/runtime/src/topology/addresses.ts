import type { ServiceSpec } from '@topolab/services/contract';

/** The gateway's public port when none is given. */
export const defaultGatewayPort = 8080;
/** The gateway's HTTPS port when TLS is on and none is given. */
export const defaultHttpsPort = 8443;
/** The host the gateway's first instance binds when none is given, so `http://127.0.0.1:8080` works. */
export const defaultGatewayHost = '127.0.0.1';

/** Where an instance should listen. */
export interface PlannedAddress {
  readonly host: string;
  /** 0 lets the OS pick (every instance but the gateway's public one). */
  readonly port: number;
}

/** Options of planAddress. */
export interface PlanAddressOptions {
  readonly spec: Pick<ServiceSpec, 'name' | 'addressOctet' | 'listener'>;
  /** 1-based replica number. */
  readonly index: number;
  /** @default process.platform */
  readonly platform?: NodeJS.Platform;
  /** @default 8080 */
  readonly gatewayPort?: number;
  /** @default '127.0.0.1' */
  readonly gatewayHost?: string;
}

/** Linux routes all of 127.0.0.0/8 to loopback; other systems only 127.0.0.1 unless configured. */
export function hasLoopbackBlock(platform: NodeJS.Platform = process.platform): boolean {
  return platform === 'linux';
}

/**
 * Picks the address of an instance: gateway #n (an `edge` listener) on the public host, port `gatewayPort + n - 1`
 * (0 for each when gatewayPort is 0); everyone else on `127.0.<addressOctet>.<index>` port 0
 * where the loopback block exists, else 127.0.0.1 port 0.
 */
export function planAddress(options: PlanAddressOptions): PlannedAddress {
  const { spec, index } = options;
  if (!Number.isInteger(index) || index < 1 || index > 254) {
    throw new RangeError(`Expected the instance index to be an integer from 1 to 254, got ${index}`);
  }
  if (spec.listener === 'edge') {
    return { host: options.gatewayHost ?? defaultGatewayHost, port: gatewayPortOf(index, options.gatewayPort ?? defaultGatewayPort) };
  }
  const host = hasLoopbackBlock(options.platform) ? `127.0.${spec.addressOctet}.${index}` : '127.0.0.1';
  return { host, port: 0 };
}

/** The public port of gateway #index: consecutive from `gatewayPort`, or 0 for each when it is 0. */
export function gatewayPortOf(index: number, gatewayPort: number): number {
  return gatewayPort === 0 ? 0 : gatewayPort + index - 1;
}

/** Builds `http://host:port`, bracketing IPv6 and replacing a wildcard host by loopback so the URL can be dialled. */
export function formatHttpUrl(host: string, port: number): string {
  const dialable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${dialable.includes(':') ? `[${dialable}]` : dialable}:${port}`;
}
