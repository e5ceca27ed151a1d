import type { BusSubscription } from './bus-subscription.js';
import { createSubscriptionLifecycle, type SubscriptionLifecycle } from './subscription-lifecycle.js';

/** What both transports' subscriptions share: the lifecycle, the seq reached, the BusSubscription getters. */
export abstract class SubscriptionBase implements BusSubscription {
  protected readonly lifecycle: SubscriptionLifecycle;
  // Undefined until the first connection reads where the topic stands.
  protected seq: number | undefined;

  constructor(topic: string) {
    this.lifecycle = createSubscriptionLifecycle(topic);
  }

  get connected(): boolean {
    return this.lifecycle.phase === 'connected';
  }

  get lastSeq(): number {
    return this.seq ?? 0;
  }

  protected get closed(): boolean {
    return this.lifecycle.phase === 'closed';
  }

  abstract close(): void;
}
