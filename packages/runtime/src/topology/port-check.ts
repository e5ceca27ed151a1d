import { createSocket } from 'node:dgram';
import { createServer, isIPv6 } from 'node:net';
import { runtimeError } from '../errors/error-codes.js';

/** The topology options that pin a port, with the CLI flag that sets each (named in hints). */
export const portOptionFlags = Object.freeze({ gatewayPort: '--port', httpsPort: '--https-port', dnsPort: '--dns-port' });

/** A topology option that pins a port. */
export type PortOption = keyof typeof portOptionFlags;

/** One port an instance binds, and the option that pinned it. */
export interface PortClaim {
  readonly host: string;
  /** 0: the OS picks one; never checked. */
  readonly port: number;
  readonly protocol: 'tcp' | 'udp';
  /** What binds it, for the message: `gateway#1 (HTTPS)`, `dns#1`. */
  readonly listener: string;
  /** The option (and so the flag) that pinned it. */
  readonly option: PortOption;
}

/**
 * Fails fast with TOPOLOGY_PORT_IN_USE on the first claimed port that is taken, before any
 * child starts (the child would otherwise die with EADDRINUSE in its log, after others
 * started). Binds each one for a moment, as its instance will (UDP for DNS); port 0 always passes.
 */
export async function assertPortsFree(claims: readonly PortClaim[]): Promise<void> {
  for (const claim of claims) {
    if (claim.port !== 0) await assertPortFree(claim);
  }
}

async function assertPortFree(claim: PortClaim): Promise<void> {
  try {
    await (claim.protocol === 'udp' ? bindUdp(claim) : listenTcp(claim));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw portInUse(claim, error);
    throw runtimeError('CONFIG_INVALID', {
      message: `${claim.listener} cannot listen on ${formatClaim(claim)} (${code ?? 'unknown error'}).`,
      hint: `Check the host, or pick another port with \`${portOptionFlags[claim.option]}\` (0 picks a free one).`,
      details: { host: claim.host, port: claim.port, protocol: claim.protocol },
      cause: error,
    });
  }
}

function listenTcp({ host, port }: PortClaim): Promise<void> {
  const server = createServer();
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, resolve);
  }).finally(() => new Promise<void>((resolve) => server.close(() => resolve())));
}

function bindUdp({ host, port }: PortClaim): Promise<void> {
  const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
  return new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address: host, port, exclusive: true }, resolve);
  }).finally(() => new Promise<void>((resolve) => socket.close(() => resolve())).catch(() => undefined));
}

/** `127.0.0.1:8080/tcp`. */
function formatClaim({ host, port, protocol }: PortClaim): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}/${protocol}`;
}

/** The TOPOLOGY_PORT_IN_USE error of a claimed port: one line, the hint names the flag that pinned it. */
export function portInUse(claim: PortClaim, cause?: unknown) {
  const flag = portOptionFlags[claim.option];
  return runtimeError('TOPOLOGY_PORT_IN_USE', {
    message: `${claim.listener} cannot listen on ${formatClaim(claim)}: the port is in use.`,
    hint: `Stop whatever listens there, or pick another port with \`${flag}\` (e.g. ${flag} ${claim.port === 65535 ? claim.port - 1 : claim.port + 1}; 0 picks a free one).`,
    details: { host: claim.host, port: claim.port, protocol: claim.protocol, option: claim.option },
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * The claim an instance's EADDRINUSE names in its last log lines (`listen EADDRINUSE: … 127.0.0.1:8443`,
 * `bind EADDRINUSE 127.0.15.1:8053`): the port was taken between the check and the instance's bind.
 */
export function claimInUse(claims: readonly PortClaim[], lastLines: readonly string[] | undefined): PortClaim | undefined {
  for (const line of lastLines ?? []) {
    const at = line.indexOf('EADDRINUSE');
    if (at === -1) continue;
    // Node says `listen EADDRINUSE` for a TCP server and `bind EADDRINUSE` for a UDP socket.
    const protocol = line.slice(Math.max(0, at - 7), at).includes('bind') ? 'udp' : 'tcp';
    for (const [, digits] of line.slice(at).matchAll(/:(\d{1,5})\b/g)) {
      const port = Number(digits);
      const found = claims.find((claim) => claim.port !== 0 && claim.port === port && claim.protocol === protocol);
      if (found) return found;
    }
  }
  return undefined;
}
