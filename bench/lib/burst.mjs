import { connect } from 'node:net';

/**
 * Sends `count` requests at the same instant: every connection is opened first (opening one
 * costs the limiter nothing), then each writes its request in the same tick, so the requests
 * reach the gateway within a few milliseconds. Resolves with the status of each answer and
 * `spreadMs`, from the first write to the last answer: an upper bound of how long the gateway
 * took to admit them all (a token bucket refills during that time).
 */
export async function sendBurst({ host, port, path, count, localAddress }) {
  const sockets = await Promise.all(
    Array.from({ length: count }, () => new Promise((resolve, reject) => {
      const socket = connect({ host, port, ...(localAddress ? { localAddress } : {}) }, () => resolve(socket));
      socket.once('error', reject);
    })),
  );
  const answers = sockets.map(
    (socket) => new Promise((resolve) => {
      let data = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk) => {
        data += chunk;
        const match = /^HTTP\/1\.1 (\d{3})/.exec(data);
        if (match) {
          socket.destroy();
          resolve(Number(match[1]));
        }
      });
      socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0)));
    }),
  );
  const request = `GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nConnection: close\r\n\r\n`;
  const started = performance.now();
  for (const socket of sockets) socket.write(request);
  const statuses = await Promise.all(answers);
  return { statuses, spreadMs: performance.now() - started };
}
