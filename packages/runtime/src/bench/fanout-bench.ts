import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { chatLimits } from '@topolab/services/contract';
import { createGatewayClient } from '../client/gateway-client.js';
import { connectWebSocket, toWebSocketUrl, type WebSocketClient } from '../client/websocket-client.js';
import { latencyFigures } from './bench-stats.js';
import { withBenchTopology, type BenchTopologyOptions } from './bench-topology.js';
import type { FanoutResult } from './bench-types.js';
import { createBenchSessions } from './bench-users.js';

/** What measureFanout needs. */
export interface FanoutOptions {
  /** Receiving sockets, opened round-robin over the chat instances. @default 20 */
  readonly receivers?: number;
  /** Messages timed. @default 200 */
  readonly messages?: number;
  /** Messages sent first and not timed (JIT, buffers). @default 20 */
  readonly warmup?: number;
  /** `redis`: the bus on a supervised redis-server. @default 'embedded' */
  readonly backend?: 'embedded' | 'redis';
  /** How long one message may take to reach every receiver. @default 5000 */
  readonly timeoutMs?: number;
  /** More options of the topology (a manifest, `env`). */
  readonly topology?: BenchTopologyOptions;
}

interface Receiver {
  readonly socket: WebSocketClient;
  readonly instanceId: string;
  /** Message text → arrival time (performance.now), for the texts this run sends. */
  readonly arrivals: Map<string, number>;
  duplicates: number;
}

const room = 'bench-fanout';

/**
 * Fan-out latency of the chat: one sender and `receivers` sockets in one room, the receivers
 * spread over the chat instances by the gateway's discovery. Each message is sent once every
 * receiver got the previous one (a closed loop, so no queue builds up), and the latency of
 * each (message, receiver) pair is from the send to that receiver's frame — through the
 * sender's instance alone for its own receivers, through the bus for the others. The run keeps
 * within the chat's limits (docs/chat-limits.md): the sender within its socket's frame rate, and
 * the receivers over as many users as the per-user socket cap needs.
 */
export async function measureFanout(options: FanoutOptions = {}): Promise<FanoutResult> {
  const receiverCount = options.receivers ?? 20;
  const messages = options.messages ?? 200;
  const warmup = options.warmup ?? 20;
  const timeoutMs = options.timeoutMs ?? 5000;
  const backend = options.backend ?? 'embedded';
  const backends = backend === 'redis' ? { backends: { bus: 'redis' as const } } : {};
  return withBenchTopology({ modes: { discovery: 'client', auth: 'local' }, ...backends }, async (topology) => {
    const gateway = createGatewayClient(topology.gatewayUrl);
    const sockets: WebSocketClient[] = [];
    try {
      const listenerCount = Math.ceil(receiverCount / chatLimits.maxSocketsPerUser);
      const [sender, ...listeners] = await createBenchSessions({ gateway, phone: topology }, 1 + listenerCount, 1);
      await gateway.request({ method: 'POST', path: '/chat/rooms', token: sender!.accessToken, body: { name: room } });
      const url = toWebSocketUrl(topology.gatewayUrl, '/chat/ws');
      const open = async (token: string) => {
        const socket = await connectWebSocket({ url, token });
        sockets.push(socket);
        const welcome = await socket.next<{ instanceId: string }>((frame) => (frame as { type?: string }).type === 'welcome');
        socket.send({ type: 'join', room });
        await socket.next((frame) => (frame as { type?: string }).type === 'joined');
        return { socket, instanceId: welcome.instanceId };
      };
      const from = await open(sender!.accessToken);
      const receivers: Receiver[] = [];
      const waiting = new Map<string, { left: number; done: () => void }>();
      for (let i = 0; i < receiverCount; i++) {
        const { socket, instanceId } = await open(listeners[Math.floor(i / chatLimits.maxSocketsPerUser)]!.accessToken);
        const receiver: Receiver = { socket, instanceId, arrivals: new Map(), duplicates: 0 };
        // Arrival times as the frames arrive, not when the loop gets to them.
        socket.onFrame((frame, receivedAt) => {
          const message = frame as { type?: string; text?: string };
          if (message.type !== 'message' || message.text === undefined) return;
          if (receiver.arrivals.has(message.text)) receiver.duplicates += 1;
          receiver.arrivals.set(message.text, receivedAt);
          const wait = waiting.get(message.text);
          if (wait && --wait.left === 0) wait.done();
        });
        receivers.push(receiver);
      }
      const same: number[] = [];
      const other: number[] = [];
      const pace = createSendPace();
      for (let i = 0; i < warmup + messages; i++) {
        const text = `m${i}`;
        await pace();
        const everyone = new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`message ${i} reached ${receiverCount - (waiting.get(text)?.left ?? 0)} of ${receiverCount} receivers in ${timeoutMs} ms`)), timeoutMs);
          waiting.set(text, { left: receiverCount, done: () => (clearTimeout(timer), resolve()) });
        });
        const sentAt = performance.now();
        from.socket.send({ type: 'send', room, text });
        await everyone;
        waiting.delete(text);
        if (i < warmup) continue;
        for (const receiver of receivers) (receiver.instanceId === from.instanceId ? same : other).push(receiver.arrivals.get(text)! - sentAt);
      }
      const perInstance: Record<string, number> = {};
      for (const receiver of receivers) perInstance[receiver.instanceId] = (perInstance[receiver.instanceId] ?? 0) + 1;
      return {
        backend,
        receivers: receiverCount,
        messages,
        senderInstance: from.instanceId,
        perInstance,
        latencyMs: latencyFigures([...same, ...other]),
        sameInstanceMs: latencyFigures(same),
        otherInstanceMs: latencyFigures(other),
        duplicates: receivers.reduce((sum, receiver) => sum + receiver.duplicates, 0),
      };
    } finally {
      await Promise.all(sockets.map((socket) => socket.close()));
      gateway.close();
    }
  }, options.topology);
}

// The sender's own token bucket, mirrored: its burst (less the join) at once, then the socket's
// rate. Waiting here keeps a message's latency free of time spent over the limit.
function createSendPace(): () => Promise<void> {
  const rate = chatLimits.framesPerSecond / 1000;
  let tokens = chatLimits.frameBurst - 1;
  let at = performance.now();
  return async () => {
    const now = performance.now();
    tokens = Math.min(chatLimits.frameBurst, tokens + (now - at) * rate);
    at = now;
    // A little over one token, so a clock that rounds differently from the chat's never lands a frame just short.
    if (tokens < 1.05) {
      await sleep((1.05 - tokens) / rate);
      tokens = 1.05;
      at = performance.now();
    }
    tokens -= 1;
  };
}
