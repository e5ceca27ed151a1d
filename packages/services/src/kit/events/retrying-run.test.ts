import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { createRetryingRun } from './retrying-run.js';

describe('retrying run', () => {
  it('runs once at a time, and once more when asked during a run', async () => {
    let runs = 0;
    let release: () => void = () => undefined;
    const run = createRetryingRun({
      run: () => {
        runs += 1;
        return new Promise<void>((resolve) => (release = resolve));
      },
      onSuccess: () => undefined,
      onFailure: () => undefined,
      retryMinMs: 10,
      retryMaxMs: 10,
    });
    onTestFinished(() => run.close());
    const first = run.request();
    const second = run.request();
    const third = run.request();
    expect(runs).toBe(1);
    release();
    await vi.waitFor(() => expect(runs).toBe(2));
    release();
    await Promise.all([first, second, third]);
    expect(runs).toBe(2);
  });

  it('retries a failed run with a doubling delay, reset by a success', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    onTestFinished(() => void vi.useRealTimers());
    const delays: number[] = [];
    let failures = 3;
    const run = createRetryingRun({
      run: async () => {
        if (failures-- > 0) throw new Error('down');
      },
      onSuccess: () => delays.push(0),
      onFailure: (_error, retryMs) => delays.push(retryMs),
      retryMinMs: 100,
      retryMaxMs: 250,
      // The jitter at its ceiling: the delays are the doubling bounds themselves.
      random: () => 1,
    });
    onTestFinished(() => run.close());
    await run.request();
    await vi.advanceTimersByTimeAsync(100 + 200 + 250);
    expect(delays).toEqual([100, 200, 250, 0]);
  });
});
