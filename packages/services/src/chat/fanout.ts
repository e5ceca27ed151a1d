import { busTopics } from '../contract/bus-api.js';
import type { ChatMessage, ChatMessageEvent } from '../contract/chat-api.js';
import type { BusClient, BusSubscriptionStatus } from '../kit/clients/bus-client.js';
import type { Telemetry } from '../kit/telemetry.js';
import type { TraceContext } from '../kit/trace.js';
import { createStreamReadiness } from './stream-readiness.js';

/** Options of createChatFanout. */
export interface ChatFanoutOptions {
  /** The topology's bus: the embedded bus service, or Redis Streams (`--bus redis`). */
  readonly bus: Pick<BusClient, 'publish' | 'subscribe'>;
  /** This instance: its own messages are delivered locally and skipped on the way back. */
  readonly instanceId: string;
  readonly telemetry: Telemetry;
  /** Receives each message another instance stored, in bus order. */
  readonly onMessage: (message: ChatMessage) => void;
}

/** Messages between the chat instances, over the bus topic `chat.message`. */
export interface ChatFanout {
  /** Tells the other instances about a message this one stored; resolves once the bus took it, rejects (BusUnavailableError) when it did not (after an event). */
  publish(message: ChatMessage, trace?: TraceContext): Promise<void>;
  /** Whether the subscription streams now. */
  readonly connected: boolean;
  /** Resolves true once the subscription streams, false after `timeoutMs`. */
  whenConnected(timeoutMs: number): Promise<boolean>;
  close(): void;
}

/**
 * Fans chat messages out across instances: the instance that stores a message publishes it and,
 * once the bus took it, delivers it to its own sockets; every other instance delivers it from
 * the bus to its sockets in that room. The bus client resumes after a reconnection from the last seq, so
 * a short outage delays messages rather than losing them; messages the bus no longer holds
 * (`lost`) stay in the database and reach a socket with its next `join` history.
 */
export function createChatFanout(options: ChatFanoutOptions): ChatFanout {
  const { bus, instanceId, telemetry } = options;
  const readiness = createStreamReadiness();

  function onStatus(status: BusSubscriptionStatus): void {
    const was = readiness.connected;
    readiness.update(status);
    if (status.state === 'lost') {
      telemetry.event('chat.fanout.lost', { afterSeq: status.afterSeq });
      telemetry.warn('chat messages of other instances were missed; they are in the history', { afterSeq: status.afterSeq });
    } else if (was && status.state === 'disconnected') telemetry.warn('the chat fan-out stream is disconnected; reconnecting', { reason: status.reason });
  }

  function onMessage(message: { data: unknown }): void {
    const data = message.data as Partial<ChatMessageEvent> | null;
    if (!isMessageEvent(data)) {
      telemetry.warn('ignored a malformed chat message', { topic: busTopics.chatMessage });
      return;
    }
    if (data.origin === instanceId) return;
    options.onMessage({ id: data.id, room: data.room, from: data.from, text: data.text, time: data.time });
  }

  const subscription = bus.subscribe<ChatMessageEvent>(busTopics.chatMessage, { onMessage, onStatus });
  return {
    async publish(message, trace) {
      const event: ChatMessageEvent = { ...message, origin: instanceId };
      try {
        await bus.publish(busTopics.chatMessage, event, trace);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        telemetry.event('chat.fanout.failed', { room: message.room, id: message.id, reason, timedOut: isTimeout(error) });
        telemetry.warn('the bus did not take a chat message; its sender is told it was not sent', { room: message.room, id: message.id, reason });
        throw error;
      }
    },
    get connected() {
      return readiness.connected;
    },
    whenConnected: (timeoutMs) => readiness.whenConnected(timeoutMs),
    close: () => subscription.close(),
  };
}

// A publish that got no answer in time (kit/http's CallError `timeout`, somewhere in the cause chain of BusUnavailableError).
function isTimeout(error: unknown): boolean {
  for (let at: unknown = error, depth = 0; at instanceof Error && depth < 5; at = at.cause, depth++) if ((at as { failure?: unknown }).failure === 'timeout') return true;
  return false;
}

function isMessageEvent(data: Partial<ChatMessageEvent> | null): data is ChatMessageEvent {
  return (
    data !== null &&
    typeof data === 'object' &&
    Number.isSafeInteger(data.id) &&
    typeof data.room === 'string' &&
    typeof data.from === 'string' &&
    typeof data.text === 'string' &&
    typeof data.time === 'number' &&
    typeof data.origin === 'string'
  );
}
