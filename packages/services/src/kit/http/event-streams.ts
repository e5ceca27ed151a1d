import type { Server, ServerResponse } from 'node:http';

/** Options of createEventStreams. */
export interface EventStreamsOptions {
  /** Interval of the `:keep-alive` comment that keeps idle proxies and clients from closing a stream. */
  readonly keepAliveMs: number;
  /** A subscriber with more unsent bytes than this (a paused client) is dropped; it reconnects. @default 1048576 */
  readonly maxBufferedBytes?: number;
  /** Told about each subscriber dropped for being slow, with its unsent bytes. */
  readonly onDropped?: (res: ServerResponse, bufferedBytes: number) => void;
}

/** Open Server-Sent Events responses (the registry's watch, the bus's topic streams) with one shared keep-alive timer. */
export interface EventStreams {
  /** Answers `res` with 200 `text/event-stream` and keeps it until it closes (then `onClose`); false when the client is gone already. */
  open(res: ServerResponse, onClose?: () => void): boolean;
  /** Writes `text` to `res` unless it is gone; a subscriber more than maxBufferedBytes behind is dropped instead. */
  send(res: ServerResponse, text: string): void;
  /** Sends `text` to every open stream. */
  broadcast(text: string): void;
  /** Number of open streams. */
  readonly size: number;
  /** Ends every stream and stops the keep-alive timer. */
  close(): void;
}

const sseHeaders = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' };

/** Creates the set of open streams; the keep-alive timer runs only while one is open. */
export function createEventStreams(options: EventStreamsOptions): EventStreams {
  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
  const streams = new Set<ServerResponse>();
  let timer: NodeJS.Timeout | undefined;

  function send(res: ServerResponse, text: string): void {
    if (res.destroyed) return;
    if (res.writableLength > maxBuffered) {
      streams.delete(res);
      options.onDropped?.(res, res.writableLength);
      res.destroy();
      return;
    }
    res.write(text);
  }

  function broadcast(text: string): void {
    for (const res of streams) send(res, text);
  }

  function stopTimer(): void {
    clearInterval(timer);
    timer = undefined;
  }

  return {
    open(res, onClose) {
      if (res.destroyed) return false;
      res.writeHead(200, sseHeaders);
      res.flushHeaders();
      streams.add(res);
      res.once('close', () => {
        streams.delete(res);
        if (streams.size === 0) stopTimer();
        onClose?.();
      });
      if (!timer) {
        timer = setInterval(() => broadcast(':keep-alive\n\n'), options.keepAliveMs);
        timer.unref();
      }
      return true;
    },
    send,
    broadcast,
    get size() {
      return streams.size;
    },
    close() {
      stopTimer();
      for (const res of streams) res.end();
      streams.clear();
    },
  };
}

/** Streams never go idle: ends them (`endStreams`) as soon as `server` stops accepting, or a stop would wait out the whole drain period. */
export function endStreamsOnClose(server: Server, endStreams: () => void): void {
  const closeServer = server.close.bind(server);
  server.close = (callback?: (error?: Error) => void) => {
    endStreams();
    return closeServer(callback);
  };
}
