import { useEffect, useState } from 'react';
import type { ConnectionState } from '../model/dashboard-store';
import type { TopologyModes } from '../protocol';
import type { RunAction } from './hooks';

/** Props of Header. */
export interface HeaderProps {
  readonly gatewayUrl: string | undefined;
  readonly connection: ConnectionState;
  readonly modes: TopologyModes | undefined;
  readonly choices: { readonly discovery: readonly string[]; readonly auth: readonly string[] };
  readonly onSetMode: (kind: keyof TopologyModes, value: string) => Promise<unknown>;
  readonly run: RunAction;
}

const connectionLabels: Record<ConnectionState, string> = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…' };

/** The top bar: name, gateway URL, the stream's state, and the modes in force with their switches. */
export function Header({ gatewayUrl, connection, modes, choices, onSetMode, run }: HeaderProps) {
  return (
    <header className="header">
      <h1 className="header-title">topolab</h1>
      <span className="header-gateway" title="Gateway URL">
        {gatewayUrl ?? '—'}
      </span>
      <span className={`connection connection-${connection}`} data-testid="connection" role="status">
        {connectionLabels[connection]}
      </span>
      <span className="modes-in-force" data-testid="modes-in-force">
        {modes ? `discovery ${modes.discovery} · auth ${modes.auth}` : 'modes unknown'}
      </span>
      <div className="mode-switches">
        <ModeSelect kind="discovery" value={modes?.discovery} choices={choices.discovery} onSetMode={onSetMode} run={run} />
        <ModeSelect kind="auth" value={modes?.auth} choices={choices.auth} onSetMode={onSetMode} run={run} />
      </div>
    </header>
  );
}

interface ModeSelectProps {
  readonly kind: keyof TopologyModes;
  readonly value: string | undefined;
  readonly choices: readonly string[];
  readonly onSetMode: HeaderProps['onSetMode'];
  readonly run: RunAction;
}

/** How long a switched select waits for the stream's `modes` message before showing what is in force again, ms. */
const modeEchoWaitMs = 3000;

/** A select of one mode: shows the mode in force, POSTs /v1/modes on a change (showing the choice until the stream confirms it). */
function ModeSelect({ kind, value, choices, onSetMode, run }: ModeSelectProps) {
  const [pending, setPending] = useState<string | undefined>(undefined);
  const [sending, setSending] = useState(false);
  // The stream confirmed the switch: show what is in force.
  useEffect(() => {
    if (pending !== undefined && !sending && value === pending) setPending(undefined);
  }, [pending, sending, value]);
  useEffect(() => {
    if (pending === undefined || sending) return;
    const timer = setTimeout(() => setPending(undefined), modeEchoWaitMs);
    return () => clearTimeout(timer);
  }, [pending, sending]);
  const options = value !== undefined && !choices.includes(value) ? [value, ...choices] : choices;
  const change = async (next: string) => {
    setPending(next);
    setSending(true);
    const done = await run(`${kind} → ${next}`, () => onSetMode(kind, next));
    setSending(false);
    if (!done) setPending(undefined);
  };
  return (
    <label className="mode-switch">
      <span>{kind}</span>
      <select data-testid={`mode-${kind}`} value={pending ?? value ?? ''} disabled={sending || value === undefined} onChange={(event) => void change(event.target.value)}>
        {value === undefined && <option value="">—</option>}
        {options.map((choice) => (
          <option key={choice} value={choice}>
            {choice}
          </option>
        ))}
      </select>
    </label>
  );
}
