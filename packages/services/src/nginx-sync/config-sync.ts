import type { Catalog, CatalogEvent } from '../contract/registry-api.js';
import type { CatalogCache } from '../kit/discovery/catalog-cache.js';
import type { Telemetry } from '../kit/telemetry.js';
import type { NginxControl } from './nginx-control.js';
import { renderNginxConfig, type NginxConfigInput } from './render-config.js';

/** The last reload, as `/health` and the `nginx.reloaded` event report it. */
export interface ReloadRecord {
  readonly generation: number;
  readonly catalogVersion: number;
  /** What changed in the registry (`evicted profile#2`), when a change triggered it. */
  readonly change?: string;
  /** From the registry's change until nginx answered with the new config, ms. */
  readonly lagMs?: number;
  /** From SIGHUP until nginx answered with the new config, ms. */
  readonly reloadMs: number;
}

/** Options of createConfigSync. */
export interface ConfigSyncOptions {
  readonly catalog: Pick<CatalogCache, 'current' | 'onChange'>;
  readonly control: Pick<NginxControl, 'writeConfig' | 'reload' | 'pid'>;
  readonly telemetry: Telemetry;
  /** Everything the config needs but the catalog and the generation. */
  readonly settings: Omit<NginxConfigInput, 'catalog' | 'generation'>;
  /** Epoch ms now (the registry stamps its changes with the same clock). @default Date.now */
  readonly clock?: () => number;
}

/** Keeps nginx.conf equal to the registry's routing. */
export interface ConfigSync {
  /** Renders the first config (before nginx starts, so it starts with it; resolves once it is written), then follows the catalog. */
  start(): Promise<void>;
  /** The generation in the file now. */
  readonly generation: number;
  readonly lastReload: ReloadRecord | undefined;
  stop(): void;
}

/**
 * consul-template's loop: on every catalog change, render nginx.conf; when the routing
 * (routes or instances) differs from what nginx has, write it and SIGHUP nginx, then poll
 * until nginx answers the new generation. Changes arriving meanwhile are folded into one next
 * reload. Each reload is the event `nginx.reloaded` `{ generation, catalogVersion, change,
 * lagMs, reloadMs }`: lagMs runs from the registry's own change time to nginx routing by it.
 */
export function createConfigSync(options: ConfigSyncOptions): ConfigSync {
  const { catalog, control, telemetry, settings } = options;
  const clock = options.clock ?? Date.now;
  let generation = 0;
  let routing: string | undefined;
  let lastReload: ReloadRecord | undefined;
  let running: Promise<void> | undefined;
  let pending: { change?: string; since?: number } | undefined;
  let unsubscribe: (() => void) | undefined;

  function render(current: Catalog): { text: string; routing: string } {
    const rendered = renderNginxConfig({ ...settings, catalog: current, generation: generation + 1 });
    for (const skipped of rendered.skipped) telemetry.warn('route left out of nginx.conf', skipped);
    return rendered;
  }

  async function apply(): Promise<void> {
    while (pending) {
      const { change, since } = pending;
      pending = undefined;
      const current = catalog.current;
      if (!current) return;
      const rendered = render(current);
      if (rendered.routing === routing) continue;
      generation += 1;
      control.writeConfig(rendered.text);
      routing = rendered.routing;
      if (control.pid() === undefined) continue;
      try {
        const reloadMs = await control.reload(generation);
        lastReload = { generation, catalogVersion: current.version, ...(change ? { change } : {}), ...(since === undefined ? {} : { lagMs: Math.max(0, clock() - since) }), reloadMs };
        telemetry.event('nginx.reloaded', { ...lastReload });
        telemetry.info('nginx routes by the new config', { ...lastReload });
      } catch (error) {
        telemetry.warn('nginx did not take the new config', { generation, error });
        telemetry.event('nginx.reload.failed', { generation, reason: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  function schedule(event: CatalogEvent | undefined): void {
    const change = event?.change;
    const since = change?.time ?? clock();
    pending = {
      change: change ? `${change.kind} ${change.instance.instanceId}` : pending?.change,
      since: Math.min(pending?.since ?? Number.POSITIVE_INFINITY, since),
    };
    running ??= apply().catch((error: unknown) => {
      telemetry.error('could not write nginx.conf', { error });
      telemetry.event('nginx.reload.failed', { generation, reason: error instanceof Error ? error.message : String(error) });
    }).finally(() => {
      running = undefined;
      if (pending) schedule(undefined);
    });
  }

  return {
    async start() {
      // Before nginx starts this only writes the file it starts with; after a restart of nginx-sync it also reloads a running nginx.
      unsubscribe = catalog.onChange((_next, event) => schedule(event));
      schedule(undefined);
      await running;
    },
    get generation() {
      return generation;
    },
    get lastReload() {
      return lastReload;
    },
    stop() {
      unsubscribe?.();
      pending = undefined;
    },
  };
}
