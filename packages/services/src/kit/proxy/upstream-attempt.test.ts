import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { describe, expect, it, vi } from 'vitest';
import { UpstreamAttempt } from './upstream-attempt.js';

/** A client answer that accepts `accepted` writes before it asks to wait for 'drain'. */
function fakeResponse(accepted: number) {
  let writes = 0;
  const res = Object.assign(new EventEmitter(), {
    writableFinished: false,
    writeHead: vi.fn(),
    write: vi.fn(() => ++writes <= accepted),
    end: vi.fn(() => (res.writableFinished = true)),
    destroy: vi.fn(),
  });
  return res;
}

function fakeController() {
  return { aborted: false, paused: false, reason: null, pause: vi.fn(), resume: vi.fn(), abort: vi.fn() } satisfies Dispatcher.DispatchController;
}

function attemptOn(res: ReturnType<typeof fakeResponse>) {
  const record = vi.fn();
  const attempt = new UpstreamAttempt(res as unknown as ServerResponse, { record, closeAfter: true, timeoutMs: 5000, staleSocket: () => false });
  return { attempt, record };
}

describe('UpstreamAttempt', () => {
  it('pauses the upstream while the client cannot take more, and resumes it on drain', async () => {
    const res = fakeResponse(1);
    const { attempt, record } = attemptOn(res);
    const controller = fakeController();
    attempt.onRequestStart(controller);
    attempt.onResponseStart(controller, 200, { 'content-type': 'text/plain', 'keep-alive': 'timeout=5' }, 'OK');
    expect(res.writeHead).toHaveBeenCalledWith(200, 'OK', { 'content-type': 'text/plain', connection: 'close' });
    await expect(attempt.outcome).resolves.toEqual({ kind: 'response', status: 200 });
    attempt.onResponseData(controller, Buffer.from('a'));
    expect(controller.pause).not.toHaveBeenCalled();
    attempt.onResponseData(controller, Buffer.from('b'));
    expect(controller.pause).toHaveBeenCalledTimes(1);
    expect(controller.resume).not.toHaveBeenCalled();
    res.emit('drain');
    expect(controller.resume).toHaveBeenCalledTimes(1);
    attempt.onResponseEnd();
    expect(res.end).toHaveBeenCalled();
    res.emit('close');
    expect(record).toHaveBeenCalledWith(200);
    expect(controller.abort).not.toHaveBeenCalled();
  });

  it('settles aborted when the client leaves before undici starts the request, and cancels it once it does', async () => {
    const res = fakeResponse(10);
    const { attempt, record } = attemptOn(res);
    res.emit('close');
    await expect(attempt.outcome).resolves.toEqual({ kind: 'aborted' });
    expect(record).toHaveBeenCalledWith(undefined, 'aborted');
    const controller = fakeController();
    attempt.onRequestStart(controller);
    expect(controller.abort).toHaveBeenCalledTimes(1);
  });

  it('ignores 1xx answers and classifies failures before any answer', async () => {
    const res = fakeResponse(10);
    const { attempt, record } = attemptOn(res);
    const controller = fakeController();
    attempt.onRequestStart(controller);
    attempt.onResponseStart(controller, 103, { link: '</a.css>' }, 'Early Hints');
    expect(res.writeHead).not.toHaveBeenCalled();
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    attempt.onResponseError(controller, refused);
    await expect(attempt.outcome).resolves.toEqual({ kind: 'failed', failure: 'refused', cause: refused, staleSocket: false });
    expect(record).toHaveBeenCalledWith(undefined, 'refused');
  });
});
