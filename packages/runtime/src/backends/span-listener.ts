import { createSocket, type Socket } from 'node:dgram';
import type { Span } from '@topolab/services/contract';

/** A syslog receiver for a program's span lines (nginx's `access_log syslog:server=…`). */
export interface SpanListener {
  /** `127.0.0.1:41234`, for `syslog:server=`. */
  readonly address: string;
  /** Receives the spans of every datagram, batched per 5 ms; returns the unsubscribe function. */
  subscribe(deliver: (spans: readonly Span[]) => void): () => void;
  close(): Promise<void>;
}

/**
 * Listens for syslog datagrams on loopback (UDP, port 0) and turns each message into spans
 * with `parse` (the text after the syslog header). nginx cannot write its access log to the
 * supervisor's pipe (a socket it cannot open by path), but it logs to syslog natively.
 */
export async function openSpanListener(parse: (message: string) => Span | undefined, host = '127.0.0.1'): Promise<SpanListener> {
  const socket: Socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  // Bench load sends thousands per second; a larger buffer keeps loopback from dropping them.
  try {
    socket.setRecvBufferSize(4 * 1024 * 1024);
  } catch {
    // the system's limit applies
  }
  socket.on('error', () => undefined);
  const listeners = new Set<(spans: readonly Span[]) => void>();
  let batch: Span[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const spans = batch;
    batch = [];
    for (const listener of listeners) listener(spans);
  };
  socket.on('message', (datagram) => {
    const text = datagram.toString('utf8');
    const start = text.indexOf('{');
    const span = start === -1 ? undefined : parse(text.slice(start));
    if (!span || listeners.size === 0) return;
    batch.push(span);
    timer ??= setTimeout(flush, 5);
  });
  const { port } = socket.address();
  return {
    address: `${host}:${port}`,
    subscribe(deliver) {
      listeners.add(deliver);
      return () => listeners.delete(deliver);
    },
    close: () =>
      new Promise<void>((resolve) => {
        clearTimeout(timer);
        listeners.clear();
        socket.close(() => resolve());
      }),
  };
}
