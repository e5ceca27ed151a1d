import type { Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { ChildMessage } from '../contract/ipc.js';
import type { ParentChannel } from './ipc.js';
import { createTelemetry, type Telemetry } from './telemetry.js';

/** A ParentChannel that keeps every message, for tests that inspect logs, spans and events. */
export interface RecordingChannel extends ParentChannel {
  readonly messages: ChildMessage[];
}

/** Creates a connected channel that records instead of sending. */
export function createRecordingChannel(): RecordingChannel {
  const messages: ChildMessage[] = [];
  return {
    messages,
    connected: true,
    send: (message) => void messages.push(message),
    onCommand: () => undefined,
  };
}

/** Telemetry over a recording channel, plus the channel. */
export function createTestTelemetry(service = 'test', instanceId = `${service}#1`): { telemetry: Telemetry; channel: RecordingChannel } {
  const channel = createRecordingChannel();
  return { telemetry: createTelemetry({ service, instanceId, channel, level: 'debug' }), channel };
}

/** Listens on `host` port 0 and answers the base URL; the caller closes the server. */
export async function listenOnLoopback(server: Server, host = '127.0.0.1'): Promise<{ url: string; host: string; port: number }> {
  server.listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: `http://${host}:${port}`, host, port };
}

/** Closes a server and every connection it holds. */
export async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  const closed = once(server, 'close');
  server.close();
  server.closeAllConnections();
  await closed;
}
