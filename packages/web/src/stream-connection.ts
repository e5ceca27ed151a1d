/**
 * The page's end of `GET /v1/stream`: an EventSource, a listener per message type, and a
 * reconnect of its own when the browser gives up (a refused or failed response closes an
 * EventSource for good; a dropped connection it retries by itself). The server sends `hello`
 * first on every connection, which resets the store. The EventSource and timers are
 * parameters, for tests.
 */
import { createBackoff } from '@topolab/services/backoff';
import { messageTypes, type DashboardMessage } from './protocol';
import { parseStreamMessage } from './model/stream-messages';

/** What the connection needs of an EventSource. */
export interface StreamSource {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onerror: ((event: Event) => void) | null;
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
}

/** `connecting` until the first open, `live` while open, `reconnecting` after an error. */
export type StreamState = 'connecting' | 'live' | 'reconnecting';

/** Options of connectStream. */
export interface StreamOptions {
  /** `/v1/stream`. */
  readonly url: string;
  readonly onMessage: (message: DashboardMessage) => void;
  readonly onState: (state: StreamState) => void;
  /** @default a same-origin EventSource (cookies included) */
  readonly createSource?: (url: string) => StreamSource;
  /** Ceiling of the first wait before reopening a closed source (full jitter below it), doubled on each failure up to `maxBackoffMs`. @default 1000 */
  readonly backoffMs?: number;
  /** @default 10000 */
  readonly maxBackoffMs?: number;
  /** The jitter's random source (tests fix it). @default Math.random */
  readonly random?: () => number;
  readonly setTimer?: (callback: () => void, ms: number) => unknown;
  readonly clearTimer?: (timer: unknown) => void;
}

// EventSource.CLOSED, without reading the global (absent in Node tests).
const closedState = 2;

/** Opens the stream; answers a function that closes it for good. */
export function connectStream(options: StreamOptions): () => void {
  const createSource = options.createSource ?? ((url: string): StreamSource => new EventSource(url));
  const setTimer = options.setTimer ?? ((callback: () => void, ms: number) => setTimeout(callback, ms));
  const clearTimer = options.clearTimer ?? ((timer: unknown) => clearTimeout(timer as ReturnType<typeof setTimeout>));
  const backoff = createBackoff({ baseMs: options.backoffMs ?? 1000, maxMs: options.maxBackoffMs ?? 10_000, random: options.random });
  let source: StreamSource | undefined;
  let timer: unknown;
  let stopped = false;

  const open = () => {
    timer = undefined;
    if (stopped) return;
    const current = createSource(options.url);
    source = current;
    current.onopen = () => {
      if (source !== current) return;
      backoff.reset();
      options.onState('live');
    };
    current.onerror = () => {
      if (source !== current || stopped) return;
      options.onState('reconnecting');
      if (current.readyState !== closedState) return;
      // The browser will not retry this one: open a new source after a while.
      current.close();
      source = undefined;
      timer = setTimer(open, backoff.next());
    };
    for (const type of messageTypes) {
      current.addEventListener(type, (event) => {
        if (source !== current) return;
        const message = parseStreamMessage(type, event.data);
        if (message) options.onMessage(message);
      });
    }
  };

  options.onState('connecting');
  open();
  return () => {
    stopped = true;
    if (timer !== undefined) clearTimer(timer);
    source?.close();
    source = undefined;
  };
}
