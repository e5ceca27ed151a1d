import type { RequestSummary } from '@topolab/runtime/trace-model';
import { formatClock, formatDuration } from '../model/format';

/** Props of RequestList. */
export interface RequestListProps {
  readonly requests: readonly RequestSummary[];
  readonly selectedTraceId: string | undefined;
  readonly onSelect: (traceId: string) => void;
}

/** `500` red, `4xx` amber, else plain; no answer is red. */
export function statusTone(status: number | undefined): 'bad' | 'warn' | 'ok' {
  if (status === undefined || status >= 500) return 'bad';
  return status >= 400 ? 'warn' : 'ok';
}

/** The latest requests through a gateway, newest first; a click shows one's waterfall. */
export function RequestList({ requests, selectedTraceId, onSelect }: RequestListProps) {
  return (
    <section className="panel requests-panel" aria-label="Requests">
      <h2 className="panel-title">requests <span className="muted">(sampled)</span></h2>
      {requests.length === 0 && <p className="empty">No request yet: send one through the gateway.</p>}
      <ul className="request-list">
        {requests.map((request) => {
          const selected = request.traceId === selectedTraceId;
          return (
            <li key={request.traceId}>
              <button type="button" className={`request-row${selected ? ' selected' : ''}`} data-testid="request-row" data-trace-id={request.traceId} aria-pressed={selected} onClick={() => onSelect(request.traceId)}>
                <span className="request-time muted">{formatClock(request.start).slice(0, 8)}</span>
                <span className="request-method">{request.method}</span>
                <span className="request-path" title={request.path}>
                  {request.path}
                </span>
                <span className={`request-status status-${statusTone(request.status)}`}>{request.status ?? '—'}</span>
                <span className="request-duration">{formatDuration(request.durationMs)}</span>
                {request.error !== undefined && <span className="request-error">{request.error}</span>}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
