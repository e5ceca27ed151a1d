import type { Server } from 'node:http';
import { acceptedAuthModeNames, discoveryModeNames, modesSetCommand, type DiscoveryModeName, type GatewayAuthModeName } from '../contract/modes.js';
import type { CommandHandler } from '../kit/ipc.js';
import type { Telemetry } from '../kit/telemetry.js';
import type { AuthMode } from './auth/auth-mode.js';
import type { DiscoveryMode } from './discovery/discovery-mode.js';
import type { Modes } from './modes.js';

/** Builds a mode by name (main.ts passes the factories); throws when the mode cannot be built. */
export interface ModeBuilders {
  discovery(name: DiscoveryModeName): DiscoveryMode;
  auth(name: GatewayAuthModeName): AuthMode;
}

/** Options of createModeSwitch. */
export interface ModeSwitchOptions {
  readonly modes: Modes;
  readonly build: ModeBuilders;
  readonly telemetry: Telemetry;
  /** Longest wait for the requests of a replaced mode before it is closed anyway. @default 30000 */
  readonly drainMs?: number;
  /** The bench's opt-in (`TOPOLAB_BENCH_NO_AUTH=1`): `none` is a known auth mode; otherwise it is refused as unknown. @default false */
  readonly noAuth?: boolean;
}

/** The modes in force, by name (`auth` is `none` only where the bench opted in). */
export interface GatewayModeNames {
  readonly discovery: DiscoveryModeName;
  readonly auth: GatewayAuthModeName;
}

/** What a `modes.set` asks for; unknown names are refused. */
export interface ModesChange {
  readonly discovery?: unknown;
  readonly auth?: unknown;
}

/** Switches the gateway's modes at run time without failing a request in flight. */
export interface ModeSwitch {
  /** Counts the requests of `server` per mode object, so a replaced mode is closed only once its requests are done. */
  track(server: Server): void;
  /** Switches to the modes named in `change` (the others stay); returns the names now in force. Throws, switching nothing, when a name is unknown or a mode cannot be built. */
  set(change: ModesChange): GatewayModeNames;
  /** The service's `onCommand`: handles `modes.set`, refuses any other command. */
  readonly onCommand: CommandHandler;
  /** Closes the replaced modes still waiting for their requests (the gateway is stopping). */
  close(): void;
}

type Closable = DiscoveryMode | AuthMode;

/** Creates the mode switch over the gateway's modes holder. */
export function createModeSwitch(options: ModeSwitchOptions): ModeSwitch {
  const { modes, build, telemetry } = options;
  const drainMs = options.drainMs ?? 30_000;
  const authNames = acceptedAuthModeNames(options.noAuth ?? false);
  const inFlight = new Map<Closable, number>();
  const retired = new Map<Closable, NodeJS.Timeout>();

  const retain = (mode: Closable) => inFlight.set(mode, (inFlight.get(mode) ?? 0) + 1);
  const release = (mode: Closable) => {
    const left = (inFlight.get(mode) ?? 1) - 1;
    if (left > 0) return void inFlight.set(mode, left);
    inFlight.delete(mode);
    if (retired.has(mode)) closeNow(mode);
  };

  function closeNow(mode: Closable): void {
    clearTimeout(retired.get(mode));
    retired.delete(mode);
    try {
      mode.close();
    } catch (error) {
      telemetry.warn('closing a replaced mode failed', { mode: mode.name, error });
    }
  }

  function retire(mode: Closable): void {
    if (!inFlight.has(mode)) return closeNow(mode);
    // A request that never ends (a client that stopped reading) must not keep the old mode forever.
    const timer = setTimeout(() => closeNow(mode), drainMs);
    timer.unref();
    retired.set(mode, timer);
  }

  function set(change: ModesChange): GatewayModeNames {
    const current = modes.current();
    const discoveryName = pickName('discovery', change.discovery, discoveryModeNames);
    const authName = pickName('auth', change.auth, authNames);
    const discovery = discoveryName !== undefined && discoveryName !== current.discovery.name ? buildMode(() => build.discovery(discoveryName), 'discovery', discoveryName) : undefined;
    let auth: AuthMode | undefined;
    try {
      auth = authName !== undefined && authName !== current.auth.name ? buildMode(() => build.auth(authName), 'auth', authName) : undefined;
    } catch (error) {
      // Both or neither: a discovery mode built for a refused switch is dropped.
      discovery?.close();
      throw error;
    }
    if (discovery) retire(modes.setDiscovery(discovery));
    if (auth) retire(modes.setAuth(auth));
    const now = { discovery: modes.current().discovery.name, auth: modes.current().auth.name };
    if (discovery || auth) {
      telemetry.info('modes switched', { ...now, previousDiscovery: current.discovery.name, previousAuth: current.auth.name });
      telemetry.event('gateway.modes', now);
    }
    return now;
  }

  return {
    track(server) {
      // Runs in the same turn as the pipeline's own read of the modes, so both see the same objects.
      server.prependListener('request', (_req, res) => {
        const { discovery, auth } = modes.current();
        retain(discovery);
        retain(auth);
        res.once('close', () => {
          release(discovery);
          release(auth);
        });
      });
    },
    set,
    onCommand(command, args) {
      if (command !== modesSetCommand) throw new Error(`the gateway does not understand the command ${command}`);
      return set(args);
    },
    close() {
      for (const mode of [...retired.keys()]) closeNow(mode);
    },
  };
}

function pickName<T extends string>(what: string, value: unknown, names: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (names as readonly string[]).includes(value)) return value as T;
  throw new Error(`unknown ${what} mode ${JSON.stringify(value)}; valid: ${names.join(', ')}`);
}

function buildMode<T>(create: () => T, what: string, name: string): T {
  try {
    return create();
  } catch (error) {
    throw new Error(`cannot switch to the ${what} mode ${name}: ${(error as Error).message}`, { cause: error });
  }
}
