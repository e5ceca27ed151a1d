import type { BusMessage } from '../../contract/bus-api.js';
import type { CatalogCache } from '../discovery/catalog-cache.js';
import type { ServiceCaller } from '../discovery/service-caller.js';
import type { HttpClient } from '../http/client.js';
import type { TraceContext } from '../trace.js';
import type { ServiceCredentials } from '../../contract/service-token-source.js';
import { openBusSubscription, type BusSubscription, type BusSubscriptionStatus } from './bus-subscription.js';

export type { BusSubscription, BusSubscriptionStatus } from './bus-subscription.js';

/** The bus could not take a message (down, unreachable, refusing). */
export class BusUnavailableError extends Error {
  override readonly name = 'BusUnavailableError';
  constructor(topic: string, options?: { cause?: unknown }) {
    super(`The bus could not take a message on ${topic}.`, options);
  }
}

/** Options of createBusClient. */
export interface BusClientOptions {
  /** Where bus instances are listed. */
  readonly catalog: Pick<CatalogCache, 'instances'>;
  readonly caller: ServiceCaller;
  readonly http: HttpClient;
  /** How long a publish may take. @default 1000 */
  readonly timeoutMs?: number;
  /** A subscription stream silent this long is reopened (see BusSubscriptionOptions). @default 3000 */
  readonly idleTimeoutMs?: number;
  /** The service token subscriptions send (publishes go through `caller`, which sends it itself). @default the caller's token for `bus` */
  readonly credentials?: ServiceCredentials;
}

/** What a subscriber provides. */
export interface SubscribeOptions<T> {
  readonly onMessage: (message: BusMessage<T>) => void;
  readonly onStatus?: (status: BusSubscriptionStatus) => void;
}

/** A client of the message bus service, found through the registry. */
export interface BusClient {
  /** Publishes one message; throws BusUnavailableError when no bus instance takes it. */
  publish<T>(topic: string, data: T, trace?: TraceContext): Promise<BusMessage<T>>;
  /** Follows a topic from now on, in order, with gap detection, idle detection and reconnection that resumes after the last seq. */
  subscribe<T>(topic: string, options: SubscribeOptions<T>): BusSubscription;
}

const credentialsOf = (credentials: ServiceCredentials | undefined) => (credentials ? { credentials } : {});

/** Creates a bus client. */
export function createBusClient(options: BusClientOptions): BusClient {
  const timeoutMs = options.timeoutMs ?? 1000;
  return {
    async publish<T>(topic: string, data: T, trace?: TraceContext): Promise<BusMessage<T>> {
      try {
        const answer = await options.caller.call<BusMessage<T>>({
          service: 'bus',
          method: 'POST',
          path: `/bus/topics/${encodeURIComponent(topic)}/messages`,
          body: { data },
          ...(trace ? { trace } : {}),
          timeoutMs,
        });
        if (answer.status !== 201) throw new Error(`bus answered ${answer.status}`);
        return answer.body;
      } catch (error) {
        throw new BusUnavailableError(topic, { cause: error });
      }
    },
    subscribe<T>(topic: string, subscriber: SubscribeOptions<T>): BusSubscription {
      return openBusSubscription<T>({
        topic,
        instances: () => options.catalog.instances('bus'),
        http: options.http,
        onMessage: subscriber.onMessage,
        ...(subscriber.onStatus ? { onStatus: subscriber.onStatus } : {}),
        ...(options.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: options.idleTimeoutMs }),
        ...credentialsOf(options.credentials ?? options.caller.credentials?.('bus')),
      });
    },
  };
}
