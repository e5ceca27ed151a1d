// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Charts } from './Charts';

afterEach(cleanup);

describe('Charts', () => {
  it('shows the request rate and p99 of the sampled requests, and a dash before any', () => {
    const { rerender } = render(<Charts samples={[]} version={0} clockOffsetMs={0} />);
    expect(screen.getByTestId('chart-p99').textContent).toContain('p99 —');
    const lastSecond = (Math.floor(Date.now() / 1000) - 1) * 1000;
    const samples = [10, 20, 30].map((durationMs, index) => ({ start: lastSecond + index * 100, durationMs }));
    rerender(<Charts samples={samples} version={1} clockOffsetMs={0} />);
    expect(screen.getByRole('img', { name: /^Requests per second over the last 60 seconds, now \d+$/ })).toBeTruthy();
    expect(screen.getByTestId('chart-p99').textContent).not.toContain('p99 —');
  });
});
