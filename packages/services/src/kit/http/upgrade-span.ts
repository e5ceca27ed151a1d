import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import type { Telemetry } from '../telemetry.js';
import { startServerTrace } from '../trace.js';
import { recordServerSpan, type ServerSpan } from './server-span.js';

/** The server span of one upgrade request (a WebSocket handshake), recorded when the handshake is answered: `name` is `GET /chat/ws`, `attributes` has `upgrade: 'websocket'`. */
export interface UpgradeSpan extends ServerSpan {
  /** Records the span with the status answered (101 once the protocol switched); later calls do nothing. */
  end(status: number): void;
}

/**
 * Starts the server span of an upgrade request. It ends at the answer to the handshake — 101,
 * or a refusal — not when the connection closes, so a narration sees the hop as soon as the
 * socket is open. A socket closed before any answer records status 0.
 */
export function startUpgradeSpan(req: IncomingMessage, socket: Duplex, telemetry: Telemetry, clock: () => number = Date.now): UpgradeSpan {
  const started = performance.now();
  const start = clock();
  let ended = false;
  const span: UpgradeSpan = {
    trace: startServerTrace(req.headers.traceparent),
    name: `${req.method ?? 'GET'} ${pathOf(req.url ?? '/')}`,
    attributes: { upgrade: 'websocket' },
    end(status) {
      if (ended) return;
      ended = true;
      socket.off('close', onClose);
      recordServerSpan(telemetry, span, start, started, status);
    },
  };
  const onClose = () => span.end(0);
  socket.once('close', onClose);
  return span;
}

function pathOf(url: string): string {
  const queryAt = url.indexOf('?');
  return queryAt === -1 ? url : url.slice(0, queryAt);
}
