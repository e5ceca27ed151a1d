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
  /** Draw the second line (limits and timings; they do not change while it runs). @default true */
  readonly detail?: boolean;
  /** The web dashboard's login link, first on the second line. @default none */
  readonly webLink?: string;
}

/** The first lines of the dashboard: the modes, where to send requests, then the limits and timings; each cut at the terminal's width. */
export function Header({ gatewayUrls, modes, readyMs, timings, limits, detail = true, webLink }: HeaderProps) {
  return (
    <>
      <Text wrap="truncate">
        <Text bold color="green">topolab</Text> · discovery <Text bold color="cyan">{modes.discovery}</Text> · auth <Text bold color="cyan">{modes.auth}</Text> · gateway{' '}
        <Text bold>{gatewayUrls.join(', ') || '—'}</Text> · ready in {Math.round(readyMs)} ms
      </Text>
      {detail ? (
        <Text wrap="truncate" dimColor>
          {webLink ? `web ${webLink} · ` : ''}
          {formatLimits(limits)} · heartbeat {timings.heartbeatMs} ms, eviction after {timings.missedHeartbeats} missed
        </Text>
      ) : null}
    </>
  );
}
