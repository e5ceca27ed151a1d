import { useMemo } from 'react';
import type { RequestTrace } from '@topolab/runtime/trace-model';
import { formatDuration } from '../model/format';
import { buildWaterfall, type WaterfallRow } from '../model/waterfall';
import { statusTone } from './RequestList';

/** Props of WaterfallView. */
export interface WaterfallViewProps {
  /** The selected request's trace; undefined when none is selected or it is no longer kept. */
  readonly trace: RequestTrace | undefined;
  readonly selected: boolean;
}

/** The tone of a row's bar: its status, or an error attribute. */
function rowTone(row: WaterfallRow): string {
  if (row.span.attributes?.error !== undefined || row.span.attributes?.failure !== undefined) return 'bad';
  return row.span.status === undefined ? 'ok' : statusTone(row.span.status);
}

/** Every span of the selected request on one time axis, indented by depth. */
export function WaterfallView({ trace, selected }: WaterfallViewProps) {
  const waterfall = useMemo(() => (trace ? buildWaterfall(trace.spans, trace.root) : undefined), [trace]);
  return (
    <section className="panel waterfall-panel" aria-label="Trace waterfall">
      <h2 className="panel-title">
        trace {trace ? <span className="muted mono">{trace.traceId.slice(0, 16)}…</span> : null}
        {waterfall && <span className="muted"> · {waterfall.rows.length} spans · {formatDuration(waterfall.totalMs)}</span>}
      </h2>
      <div className="waterfall" data-testid="waterfall">
        {!waterfall && <p className="empty">{selected ? 'That request is no longer kept.' : 'Select a request to see its hops.'}</p>}
        {waterfall?.rows.map((row) => (
          <div className={`waterfall-row kind-${row.span.kind}`} key={row.span.spanId} data-span-id={row.span.spanId}>
            <div className="waterfall-label" style={{ paddingLeft: `${row.depth * 12 + 4}px` }} title={`${row.span.instanceId} ${row.span.name}`}>
              <span className="waterfall-instance">{row.span.instanceId}</span> <span className="waterfall-name">{row.span.name}</span>
            </div>
            <div className="waterfall-track">
              <div className={`waterfall-bar tone-${rowTone(row)}`} style={{ left: `${row.offset * 100}%`, width: `max(2px, ${row.width * 100}%)` }} />
              <span className="waterfall-facts" style={{ left: `min(${row.offset * 100}%, 60%)` }}>
                {row.span.status !== undefined && <span className={`status-${statusTone(row.span.status)}`}>{row.span.status} </span>}
                {formatDuration(row.span.durationMs)}
                {row.notes.map((note) => (
                  <span className="note" key={note}>
                    {note}
                  </span>
                ))}
              </span>
            </div>
          </div>
        ))}
      </div>
    </section>
  );
}
