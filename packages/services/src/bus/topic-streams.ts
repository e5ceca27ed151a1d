import type { ServerResponse } from 'node:http';
import type { BusMessage } from '../contract/bus-api.js';
import { formatSseEvent } from '../kit/discovery/sse.js';
import { createEventStreams } from '../kit/http/event-streams.js';
import type { Telemetry } from '../kit/telemetry.js';
import type { BusBackend } from './backend.js';

/** Options of createTopicStreams. */
export interface TopicStreamsOptions {
  readonly backend: BusBackend;
  readonly telemetry: Telemetry;
  /**
   * Interval of the `:keep-alive` comment. It keeps idle proxies from closing a stream, and its
   * absence is how subscribers notice a paused bus (the kit client gives up after 3 s). @default 1000
   */
  readonly keepAliveMs?: number;
  /** A subscriber with more unsent bytes than this is dropped; it reconnects with `after=` and replays. @default 1048576 */
  readonly maxBufferedBytes?: number;
}

/** The open `GET /bus/topics/:topic/stream` responses. */
export interface TopicStreams {
  /** Turns `res` into an event stream of `topic`: the retained messages after `after` (when given), then each new one. */
  open(res: ServerResponse, topic: string, after: number | undefined): Promise<void>;
  /** Number of open streams. */
  readonly size: number;
  /** Ends every stream and stops the keep-alive timer. */
  close(): void;
}

/** Default interval of the `:keep-alive` comment (`TOPOLAB_BUS_KEEP_ALIVE_MS`). */
export const defaultKeepAliveMs = 1000;

/** The SSE event name of a bus message. */
export const busEventName = 'message';

/** Creates the stream hub, with one shared keep-alive timer. */
export function createTopicStreams(options: TopicStreamsOptions): TopicStreams {
  const { backend, telemetry } = options;
  const keepAliveMs = options.keepAliveMs ?? defaultKeepAliveMs;
  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
  // The topic of each open stream, for the warning when a slow one is dropped.
  const topics = new WeakMap<ServerResponse, string>();
  const streams = createEventStreams({
    keepAliveMs,
    maxBufferedBytes: maxBuffered,
    onDropped: (res, bufferedBytes) => telemetry.warn('slow subscriber dropped', { topic: topics.get(res) ?? '', bufferedBytes }),
  });
  // Every subscriber of a topic gets the same message object: serialise it once, not once each.
  const formatted = new WeakMap<BusMessage, string>();
  const formatOnce = (message: BusMessage): string => {
    let text = formatted.get(message);
    if (text === undefined) formatted.set(message, (text = formatSseEvent(busEventName, message, message.seq)));
    return text;
  };

  return {
    async open(res, topic, after) {
      let lastSeq = 0;
      let unsubscribe = (): void => undefined;
      const opened = streams.open(res, () => {
        unsubscribe();
        telemetry.debug('unsubscribed', { topic, lastSeq });
      });
      if (!opened) return;
      topics.set(res, topic);
      // Live messages go out only while the client keeps up; a dropped client reconnects with `after=`.
      const deliver = (seq: number, text: string) => {
        if (seq <= lastSeq) return;
        lastSeq = seq;
        streams.send(res, text);
      };
      // Subscribe before reading the backlog so nothing published in between is lost; the seq
      // check drops what both deliver. Until the replay ends, live messages wait in `pending`.
      let pending: Pending | undefined = after === undefined ? undefined : { texts: [], bytes: 0 };
      unsubscribe = backend.subscribe(topic, (message) => {
        if (res.destroyed) return;
        const text = formatOnce(message);
        if (!pending) deliver(message.seq, text);
        else if ((pending.bytes += text.length) > maxBuffered) {
          telemetry.warn('slow subscriber dropped', { topic, bufferedBytes: pending.bytes });
          res.destroy();
        } else pending.texts.push({ seq: message.seq, text });
      });
      telemetry.debug('subscribed', { topic, ...(after === undefined ? {} : { after }) });
      if (!pending) return;
      lastSeq = await replay(res, topic, after ?? 0);
      for (const { seq, text } of pending.texts) deliver(seq, text);
      pending = undefined;
    },
    get size() {
      return streams.size;
    },
    close: () => streams.close(),
  };

  // Replays at the client's pace (waiting for drain), and answers the last seq written.
  async function replay(res: ServerResponse, topic: string, after: number): Promise<number> {
    const head = await backend.backlog(topic, after, 0);
    // A seq ahead of the topic means the bus restarted and lost its state: replay all it has, so the subscriber sees seq go back and resynchronises.
    let cursor = after > head.latestSeq ? 0 : after;
    // Newer messages are already in `pending`: stopping at the head keeps a busy topic from being chased forever.
    while (cursor < head.latestSeq) {
      const page = await backend.backlog(topic, cursor, 100);
      if (page.messages.length === 0) return cursor;
      for (const message of page.messages) {
        if (res.destroyed) return cursor;
        cursor = message.seq;
        if (!res.write(formatOnce(message))) await drainedOrClosed(res);
      }
    }
    return cursor;
  }
}

interface Pending {
  readonly texts: { seq: number; text: string }[];
  bytes: number;
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
