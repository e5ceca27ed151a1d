import { createServer } from 'node:net';

/**
 * A free port on `host`, for a program that takes no port 0 (redis-server, nginx): the OS
 * picks one for a moment, then it is handed over. Each instance has a loopback address of its
 * own, so nothing else is likely to take the port in between.
 */
export async function borrowPort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
