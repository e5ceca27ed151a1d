// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { span } from '../model/fixtures';
import type { RequestTrace as Trace } from '@topolab/runtime/trace-model';
import { WaterfallView } from './WaterfallView';

afterEach(cleanup);

function trace(): Trace {
  const root = span({ traceId: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', spanId: 'root', start: 1_000, durationMs: 20, status: 200 });
  const auth = span({ traceId: root.traceId, spanId: 'auth', parentSpanId: 'root', instanceId: 'auth#1', name: 'POST /auth/introspect', start: 1_002, durationMs: 4, status: 200, attributes: { cache: 'miss' } });
  const profile = span({ traceId: root.traceId, spanId: 'profile', parentSpanId: 'root', instanceId: 'profile#2', start: 1_008, durationMs: 9, status: 503, attributes: { identity: 'verified' } });
  return { traceId: root.traceId, root, spans: [profile, root, auth] };
}

describe('WaterfallView', () => {
  it('asks for a selection, and says when the selected request is gone', () => {
    const { rerender } = render(<WaterfallView trace={undefined} selected={false} />);
    expect(screen.getByText('Select a request to see its hops.')).toBeTruthy();
    rerender(<WaterfallView trace={undefined} selected />);
    expect(screen.getByText('That request is no longer kept.')).toBeTruthy();
  });

  it('draws every span of the trace under its parent, with status, duration and notes', () => {
    render(<WaterfallView trace={trace()} selected />);
    const panel = screen.getByRole('region', { name: 'Trace waterfall' });
    expect(panel.textContent).toContain('a1b2c3d4e5f60718…');
    expect(panel.textContent).toContain('3 spans');
    const rows = [...screen.getByTestId('waterfall').querySelectorAll<HTMLElement>('.waterfall-row')];
    expect(rows.map((row) => row.dataset.spanId)).toEqual(['root', 'auth', 'profile']);
    expect(rows[1]!.textContent).toContain('auth#1 POST /auth/introspect');
    expect(rows[1]!.textContent).toContain('cache miss');
    expect(rows[2]!.querySelector('.waterfall-bar')!.className).toContain('tone-bad');
    expect(rows[2]!.textContent).toContain('identity verified');
  });
});
