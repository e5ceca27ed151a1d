import { Text } from 'ink';
import type { LimitSettings, Timings, TopologyModes } from '@topolab/runtime';
import { formatLimits } from '../output/format.js';

/** Props of Header. */
export interface HeaderProps {
  /** Every running gateway (`http://127.0.0.1:8080`). */
  readonly gatewayUrls: readonly string[];
  /** The discovery and auth modes in force. */
  readonly modes: TopologyModes;
  /** How long the topology took to start. */
  readonly readyMs: number;
  readonly timings: Timings;
  /** The gateways' rate limiter and blacklist. */
  readonly limits: LimitSettings;
}

/** The first lines of the dashboard: where to send requests, the modes, the timings. */
export function Header({ gatewayUrls, modes, readyMs, timings, limits }: HeaderProps) {
  return (
    <>
      <Text>
        <Text bold color="green">topolab</Text> · gateway <Text bold>{gatewayUrls.join(', ') || '—'}</Text> · ready in {Math.round(readyMs)} ms · heartbeat{' '}
        {timings.heartbeatMs} ms, eviction after {timings.missedHeartbeats} missed
      </Text>
      <Text>
        discovery <Text bold color="cyan">{modes.discovery}</Text> · auth <Text bold color="cyan">{modes.auth}</Text> · {formatLimits(limits)}
      </Text>
    </>
  );
}
