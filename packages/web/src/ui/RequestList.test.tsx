// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RequestSummary } from '@topolab/runtime/trace-model';
import { RequestList, statusTone } from './RequestList';

afterEach(cleanup);

function request(traceId: string, fields: Partial<RequestSummary> = {}): RequestSummary {
  return { traceId, start: Date.UTC(2026, 0, 1, 12, 3, 4), method: 'GET', path: '/profile/me', status: 200, durationMs: 5.8, error: undefined, instanceId: 'gateway#1', ...fields };
}

describe('RequestList', () => {
  it('lists each request with its method, path, status, duration and error', () => {
    render(<RequestList requests={[request('t2', { method: 'POST', path: '/auth/logout', status: 204 }), request('t1', { status: 401, error: 'GATEWAY_TOKEN_INVALID' })]} selectedTraceId={undefined} onSelect={() => {}} />);
    const rows = screen.getAllByTestId('request-row');
    expect(rows.map((row) => row.dataset.traceId)).toEqual(['t2', 't1']);
    expect(within(rows[0]!).getByText('POST')).toBeTruthy();
    expect(within(rows[0]!).getByText('/auth/logout')).toBeTruthy();
    expect(within(rows[0]!).getByText('204')).toBeTruthy();
    expect(within(rows[1]!).getByText('401').className).toContain('status-warn');
    expect(within(rows[1]!).getByText('GATEWAY_TOKEN_INVALID')).toBeTruthy();
  });

  it('selects a request on a click and marks the selected one', () => {
    const onSelect = vi.fn();
    render(<RequestList requests={[request('t1'), request('t2')]} selectedTraceId="t2" onSelect={onSelect} />);
    const [first, second] = screen.getAllByTestId('request-row');
    expect(second!.getAttribute('aria-pressed')).toBe('true');
    expect(first!.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(first!);
    expect(onSelect).toHaveBeenCalledWith('t1');
  });

  it('asks for a request when there is none', () => {
    render(<RequestList requests={[]} selectedTraceId={undefined} onSelect={() => {}} />);
    expect(screen.getByText('No request yet: send one through the gateway.')).toBeTruthy();
  });

  it('colours a failure red, a refusal amber and no answer red', () => {
    expect([statusTone(200), statusTone(404), statusTone(502), statusTone(undefined)]).toEqual(['ok', 'warn', 'bad', 'bad']);
  });
});
