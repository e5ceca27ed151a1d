import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ServiceError } from '../errors.js';

/**
 * Writes a whole HTTP/1.1 answer on a raw socket (an upgrade request has no ServerResponse)
 * and closes the socket once it is sent. A JSON body gets its Content-Type and length.
 */
export function writeSocketAnswer(socket: Duplex, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  if (socket.destroyed || !socket.writable) return;
  const payload = body === undefined ? '' : JSON.stringify(body);
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}`];
  const all: Record<string, string> = {
    ...(payload === '' ? {} : { 'content-type': 'application/json; charset=utf-8' }),
    ...headers,
    'content-length': String(Buffer.byteLength(payload)),
    connection: 'close',
  };
  for (const [name, value] of Object.entries(all)) lines.push(`${name}: ${value}`);
  socket.end(`${lines.join('\r\n')}\r\n\r\n${payload}`);
  // A client that keeps its side open must not hold the socket.
  socket.once('finish', () => socket.destroy());
}

/** Answers an upgrade request with the JSON error body of `error` (its status and headers, plus `headers`) and closes the socket. */
export function sendErrorOnSocket(socket: Duplex, error: ServiceError, headers: Readonly<Record<string, string>> = {}): void {
  writeSocketAnswer(socket, error.status, error.toBody(), { ...headers, ...error.headers });
}
