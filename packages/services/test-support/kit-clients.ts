import { connect, createServer, type Socket } from 'node:net';
import type { InstanceRecord } from '../src/contract/registry-api.js';

/** A TCP relay in front of an instance that can freeze like a SIGSTOPped process. */
export interface StallProxy {
  /** The target, with the relay's port: list it instead of the target. */
  readonly instance: InstanceRecord;
  /** `:keep-alive` comments relayed from the target so far. */
  keepAlives(): number;
  /** Connections stay open (new ones are accepted) but no byte moves either way. */
  stall(): void;
  /** Bytes flow again, including those held back. */
  resume(): void;
  close(): Promise<void>;
}

/** Starts a StallProxy to `target` on 127.0.0.1; the caller registers `close` right away. */
export async function startStallProxy(target: InstanceRecord): Promise<StallProxy> {
  const sockets = new Set<Socket>();
  let stalled = false;
  let keepAlives = 0;
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
      if (stalled) socket.pause();
    }
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => {
      keepAlives += chunk.toString('utf8').split(':keep-alive').length - 1;
      client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    instance: { ...target, host: '127.0.0.1', port },
    keepAlives: () => keepAlives,
    stall() {
      stalled = true;
      for (const socket of sockets) socket.pause();
    },
    resume() {
      stalled = false;
      for (const socket of sockets) socket.resume();
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
