// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LogEntry } from '../model/dashboard-store';
import { EventLog } from './EventLog';
import { StatusLine } from './StatusLine';

afterEach(cleanup);

const line = (key: number, text: string, level: LogEntry['level'] = 'info'): LogEntry => ({ key, time: Date.UTC(2026, 0, 1, 12, 3, key), level, instance: undefined, text, smsTo: undefined });

describe('EventLog', () => {
  it('shows every line with its level, oldest first', () => {
    render(<EventLog logs={[line(1, 'profile#2 evicted'), line(2, 'auth#1 exited with code 1', 'error')]} />);
    const items = screen.getByRole('log').querySelectorAll('li');
    expect([...items].map((item) => item.querySelector('.log-text')?.textContent)).toEqual(['profile#2 evicted', 'auth#1 exited with code 1']);
    expect(items[1]!.className).toContain('level-error');
  });

  it('says when nothing happened yet', () => {
    render(<EventLog logs={[]} />);
    expect(screen.getByText('Nothing yet.')).toBeTruthy();
  });
});

describe('StatusLine', () => {
  it('shows the outcome of the last action with its hint, and dismisses it on a click', () => {
    const onDismiss = vi.fn();
    render(<StatusLine status={{ id: 1, tone: 'error', text: 'kill nope#1: SUPERVISOR_UNKNOWN_INSTANCE No instance nope#1.', hint: 'See topolab status.' }} onDismiss={onDismiss} />);
    const toast = screen.getByTestId('toast');
    expect(toast.dataset.tone).toBe('error');
    expect(toast.textContent).toContain('SUPERVISOR_UNKNOWN_INSTANCE');
    expect(screen.getByText('See topolab status.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(onDismiss).toHaveBeenCalledOnce();
  });

  it('is empty without a status', () => {
    render(<StatusLine status={undefined} onDismiss={() => {}} />);
    expect(screen.queryByTestId('toast')).toBeNull();
  });
});
