import type { BusBacklog, BusMessage } from '../contract/bus-api.js';

/** Called with each message published to a topic after the subscription began. */
export type BusListener = (message: BusMessage) => void;

/**
 * Where the bus keeps topics: the seam between the HTTP app and a backend (embedded now,
 * Redis later). Methods are async so a networked backend fits without changing the app.
 */
export interface BusBackend {
  /** Gives `data` the topic's next seq (from 1, +1 each), retains it and calls every listener. */
  publish(topic: string, data: unknown): Promise<BusMessage>;
  /** At most `limit` retained messages with seq > `after`, oldest first. */
  backlog(topic: string, after: number, limit: number): Promise<BusBacklog>;
  /** Calls `listener` for each message published from now on; returns the unsubscribe function. */
  subscribe(topic: string, listener: BusListener): () => void;
  /** Whether the backend answers (for `/health`). */
  ping(): Promise<boolean>;
  /** Drops every listener and releases the backend. */
  close(): Promise<void>;
}

/** Topic names: a lowercase letter, then up to 63 of `[a-z0-9._-]`. */
export const topicPattern = /^[a-z][a-z0-9._-]{0,63}$/;

/** The largest message data, as UTF-8 JSON. */
export const maxMessageBytes = 64 * 1024;
