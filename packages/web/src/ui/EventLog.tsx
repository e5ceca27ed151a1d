import { useLayoutEffect, useRef } from 'react';
import type { LogEntry } from '../model/dashboard-store';
import { formatClock } from '../model/format';

/** Props of EventLog. */
export interface EventLogProps {
  readonly logs: readonly LogEntry[];
}

/** The event log, newest at the bottom; it follows new lines while scrolled to the end. */
export function EventLog({ logs }: EventLogProps) {
  const list = useRef<HTMLOListElement>(null);
  const atEnd = useRef(true);
  useLayoutEffect(() => {
    const element = list.current;
    if (element && atEnd.current) element.scrollTop = element.scrollHeight;
  }, [logs]);
  return (
    <section className="panel log-panel" aria-label="Event log">
      <h2 className="panel-title">event log</h2>
      <ol
        className="event-log"
        data-testid="event-log"
        ref={list}
        role="log"
        onScroll={(event) => {
          const element = event.currentTarget;
          atEnd.current = element.scrollHeight - element.scrollTop - element.clientHeight < 24;
        }}
      >
        {logs.length === 0 && <li className="empty">Nothing yet.</li>}
        {logs.map((line) => (
          <li key={line.key} className={`log-line level-${line.level}`}>
            <time className="log-time" dateTime={new Date(line.time).toISOString()}>
              {formatClock(line.time)}
            </time>{' '}
            <span className="log-text">{line.text}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
