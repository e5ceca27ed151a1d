import type { StatusMessage } from './hooks';

/** Props of StatusLine. */
export interface StatusLineProps {
  readonly status: StatusMessage | undefined;
  readonly onDismiss: () => void;
}

/** The outcome of the last action (a route's error code and message, with its hint), a toast at the bottom. */
export function StatusLine({ status, onDismiss }: StatusLineProps) {
  return (
    <div className="status-line" role="status" aria-live="polite" data-testid="status-line">
      {status && (
        <div className={`toast toast-${status.tone}`} data-testid="toast" data-tone={status.tone}>
          <span className="toast-text">{status.text}</span>
          {status.hint && <span className="toast-hint">{status.hint}</span>}
          <button type="button" className="toast-close" aria-label="Dismiss" onClick={onDismiss}>
            ×
          </button>
        </div>
      )}
    </div>
  );
}
