import { createServer } from 'node:net';
import { runtimeError } from '../errors/error-codes.js';

/**
 * Fails fast with TOPOLOGY_PORT_IN_USE when the gateway's public port is taken, before any
 * child starts (the gateway would otherwise die with EADDRINUSE in its log). Port 0 always passes.
 */
export async function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, exclusive: true }, resolve);
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw portInUse(host, port, error);
    throw runtimeError('CONFIG_INVALID', { message: `Cannot listen on ${host}:${port} (${code ?? 'unknown error'}).`, hint: 'Check the gateway host.', cause: error });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The TOPOLOGY_PORT_IN_USE error for host:port. */
export function portInUse(host: string, port: number, cause?: unknown, lastLines?: readonly string[]) {
  return runtimeError('TOPOLOGY_PORT_IN_USE', {
    message: `The gateway cannot listen on ${host}:${port}: the port is in use.`,
    hint: `Stop whatever listens there, or pick another port with \`--port\` (e.g. --port ${port === 8080 ? 8081 : 8080}; 0 picks a free one).`,
    details: { host, port },
    ...(cause === undefined ? {} : { cause }),
    ...(lastLines ? { lastLines } : {}),
  });
}
