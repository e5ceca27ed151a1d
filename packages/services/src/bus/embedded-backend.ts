import { randomUUID } from 'node:crypto';
import type { BusBacklog, BusMessage } from '../contract/bus-api.js';
import type { BusBackend, BusListener } from './backend.js';

/** Options of createEmbeddedBusBackend. */
export interface EmbeddedBusOptions {
  /** Messages kept per topic for backlog reads and replays; older ones are forgotten. @default 1000 */
  readonly retain?: number;
  /** Epoch ms now, stamped on each message. @default Date.now */
  readonly clock?: () => number;
  /** Identifies this bus's state in backlogs. @default a random id (a restarted embedded bus starts afresh) */
  readonly epoch?: string;
}

interface Topic {
  latestSeq: number;
  /** Oldest first, seqs contiguous. */
  readonly messages: BusMessage[];
  readonly listeners: Set<BusListener>;
}

/** The in-memory bus of one instance: everything is lost when it stops. */
export function createEmbeddedBusBackend(options: EmbeddedBusOptions = {}): BusBackend {
  const retain = options.retain ?? 1000;
  if (!Number.isInteger(retain) || retain < 1) throw new RangeError(`Expected the \`retain\` option to be a positive integer, got ${retain}`);
  const clock = options.clock ?? Date.now;
  const topics = new Map<string, Topic>();
  const epoch = options.epoch ?? randomUUID();

  const topicOf = (name: string): Topic => {
    let topic = topics.get(name);
    if (!topic) topics.set(name, (topic = { latestSeq: 0, messages: [], listeners: new Set() }));
    return topic;
  };

  return {
    async publish(name, data) {
      const topic = topicOf(name);
      const message: BusMessage = Object.freeze({ topic: name, seq: ++topic.latestSeq, time: clock(), data });
      topic.messages.push(message);
      if (topic.messages.length > retain) topic.messages.shift();
      // One failing listener must not keep the message from the others or fail the publish.
      for (const listener of [...topic.listeners]) {
        try {
          listener(message);
        } catch {
          topic.listeners.delete(listener);
        }
      }
      return message;
    },
    async backlog(name, after, limit): Promise<BusBacklog> {
      const topic = topics.get(name);
      if (!topic) return { topic: name, epoch, latestSeq: 0, oldestSeq: 1, messages: [] };
      const oldestSeq = topic.messages[0]?.seq ?? topic.latestSeq + 1;
      const start = Math.max(0, after - oldestSeq + 1);
      return { topic: name, epoch, latestSeq: topic.latestSeq, oldestSeq, messages: topic.messages.slice(start, start + limit) };
    },
    subscribe(name, listener) {
      const topic = topicOf(name);
      topic.listeners.add(listener);
      return () => {
        topic.listeners.delete(listener);
        // A topic nobody published to nor listens on holds nothing worth keeping.
        if (topic.listeners.size === 0 && topic.latestSeq === 0 && topics.get(name) === topic) topics.delete(name);
      };
    },
    ping: async () => true,
    async close() {
      for (const topic of topics.values()) topic.listeners.clear();
    },
  };
}
