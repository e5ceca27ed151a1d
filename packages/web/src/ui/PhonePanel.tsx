import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { ControlApiError } from '../model/api';
import { formatClock } from '../model/format';
import type { PhoneMessage } from '../protocol';

/** Props of PhonePanel. */
export interface PhonePanelProps {
  /** The number the last SMS went to, and a counter bumped on every SMS. */
  readonly latest: { readonly number: string | undefined; readonly version: number };
  readonly readPhone: (number: string) => Promise<PhoneMessage[]>;
}

type PhoneState =
  | { readonly status: 'idle' }
  | { readonly status: 'loading'; readonly messages: readonly PhoneMessage[] }
  | { readonly status: 'ready'; readonly messages: readonly PhoneMessage[] }
  | { readonly status: 'failed'; readonly error: string };

/** The simulated phone: the latest texts of a number (the last one an SMS went to, or one looked up). */
export function PhonePanel({ latest, readPhone }: PhonePanelProps) {
  const [number, setNumber] = useState<string | undefined>(undefined);
  const [draft, setDraft] = useState('');
  const [state, setState] = useState<PhoneState>({ status: 'idle' });
  const request = useRef(0);

  const load = useCallback(
    async (target: string) => {
      const id = ++request.current;
      setNumber(target);
      setState((current) => ({ status: 'loading', messages: current.status === 'ready' || current.status === 'loading' ? current.messages : [] }));
      try {
        const messages = await readPhone(target);
        if (id === request.current) setState({ status: 'ready', messages });
      } catch (error) {
        if (id !== request.current) return;
        setState({ status: 'failed', error: error instanceof ControlApiError ? `${error.code} ${error.message}` : String(error) });
      }
    },
    [readPhone],
  );

  // Every SMS sent shows its number's texts.
  useEffect(() => {
    if (latest.number !== undefined) void load(latest.number);
  }, [latest.number, latest.version, load]);

  const lookUp = (event: FormEvent) => {
    event.preventDefault();
    const target = draft.trim();
    if (target !== '') void load(target);
  };

  const messages = state.status === 'ready' || state.status === 'loading' ? state.messages : [];
  return (
    <section className="panel phone-panel" aria-label="Phone" data-testid="phone">
      <h2 className="panel-title">
        phone <span className="muted mono">{number ?? ''}</span>
      </h2>
      <form className="phone-lookup" onSubmit={lookUp}>
        <input type="tel" aria-label="Phone number" placeholder="+447700900123" value={draft} onChange={(event) => setDraft(event.target.value)} />
        <button type="submit">look up</button>
      </form>
      {state.status === 'idle' && <p className="empty">Texts appear here when an SMS is sent.</p>}
      {state.status === 'failed' && <p className="phone-error">{state.error}</p>}
      {state.status === 'ready' && messages.length === 0 && <p className="empty">No text for this number.</p>}
      <ol className="phone-messages">
        {messages.map((message) => (
          <li key={String(message.id)} className="phone-message" data-testid="phone-message">
            <div className="phone-meta muted">
              {formatClock(message.time).slice(0, 8)} · {message.type}
            </div>
            <div className="phone-text">{message.text}</div>
          </li>
        ))}
      </ol>
    </section>
  );
}
