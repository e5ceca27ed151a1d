/** Small React hooks of the page: the store's view, a ticking clock, the status line, reduced motion. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ControlApiError } from '../model/api';
import { DashboardStore, type DashboardView } from '../model/dashboard-store';
import { connectStream } from '../stream-connection';

/** The store fed by `/v1/stream`, and its view (re-rendered at most once per animation frame). */
export function useDashboard(url = '/v1/stream'): { store: DashboardStore; view: DashboardView } {
  const [store] = useState(() => new DashboardStore());
  const [view, setView] = useState(store.view);
  useEffect(() => {
    let frame = 0;
    const unsubscribe = store.subscribe(() => {
      if (frame !== 0) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        setView(store.view);
      });
    });
    let wasLive = false;
    const close = connectStream({
      url,
      onMessage: (message) => store.apply(message),
      onState: (state) => {
        if (state === 'live' && wasLive) store.note('info', 'dashboard stream reconnected');
        if (state === 'live') wasLive = true;
        store.setConnection(state);
      },
    });
    return () => {
      close();
      unsubscribe();
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, [store, url]);
  return { store, view };
}

/** Date.now(), refreshed every `intervalMs`. */
export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** One message of the status line. */
export interface StatusMessage {
  readonly id: number;
  readonly tone: 'info' | 'error';
  readonly text: string;
  readonly hint: string | undefined;
}

/** What an action reports to the status line: `run('kill profile#2', () => api.instanceAction(…))`. */
export type RunAction = (label: string, action: () => Promise<unknown>) => Promise<boolean>;

/** The status line's message (cleared after `clearMs`), and `run`, which reports an action's outcome there. */
export function useStatusLine(clearMs = 6000): { status: StatusMessage | undefined; run: RunAction; dismiss: () => void } {
  const [status, setStatus] = useState<StatusMessage | undefined>(undefined);
  const nextId = useRef(1);
  useEffect(() => {
    if (!status) return;
    const timer = setTimeout(() => setStatus((current) => (current?.id === status.id ? undefined : current)), clearMs);
    return () => clearTimeout(timer);
  }, [status, clearMs]);
  const run = useCallback<RunAction>(async (label, action) => {
    try {
      await action();
      setStatus({ id: nextId.current++, tone: 'info', text: `${label}: done`, hint: undefined });
      return true;
    } catch (error) {
      const text = error instanceof ControlApiError ? `${label}: ${error.code} ${error.message}` : `${label}: ${error instanceof Error ? error.message : String(error)}`;
      setStatus({ id: nextId.current++, tone: 'error', text, hint: error instanceof ControlApiError ? error.hint : undefined });
      return false;
    }
  }, []);
  const dismiss = useCallback(() => setStatus(undefined), []);
  return { status, run, dismiss };
}

/** Whether the user asked for reduced motion (followed live). */
export function usePrefersReducedMotion(): boolean {
  const query = '(prefers-reduced-motion: reduce)';
  const [reduced, setReduced] = useState(() => typeof matchMedia === 'function' && matchMedia(query).matches);
  useEffect(() => {
    if (typeof matchMedia !== 'function') return;
    const list = matchMedia(query);
    const onChange = () => setReduced(list.matches);
    list.addEventListener('change', onChange);
    return () => list.removeEventListener('change', onChange);
  }, []);
  return reduced;
}
