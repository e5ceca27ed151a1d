import { describe, expect, it } from 'vitest';
import { createSecretRegistry } from './secrets.js';
import { createStepRecorder, type StepEvent } from './step-recorder.js';

function recorder() {
  const events: StepEvent[] = [];
  const secrets = createSecretRegistry();
  return { events, secrets, recorder: createStepRecorder({ secrets, emit: (event) => events.push(event) }) };
}

describe('createStepRecorder', () => {
  it('records requests in the step that made them, in the order they were sent, with their hops', async () => {
    const { recorder: steps, events } = recorder();
    await steps.step('two requests', async () => {
      const first = steps.startRequest('GET', '/a');
      const second = steps.startRequest('POST', '/b');
      second({ status: 201, durationMs: 2 }, Promise.resolve([]));
      first({ status: 200, durationMs: 1 }, new Promise((resolve) => setTimeout(() => resolve([{ service: 'gateway', instanceId: 'gateway#1', address: '', name: 'GET /a', durationMs: 1, status: 200, attributes: {} }]), 30)));
      steps.note('a note');
      steps.measure('latency', 1.5, 'ms');
    });
    steps.startRequest('GET', '/outside')({ status: 200, durationMs: 1 }, Promise.resolve([]));
    expect(events.map((event) => event.type)).toEqual(['step.start', 'measure', 'step.end']);
    const [step] = steps.steps;
    expect(step?.requests.map((request) => [request.path, request.status, request.hops.length])).toEqual([['/a', 200, 1], ['/b', 201, 0]]);
    expect(step?.notes).toEqual(['a note']);
    expect(steps.figures).toEqual([{ name: 'latency', value: 1.5, unit: 'ms', step: 'two requests' }]);
  });

  it('fails a step that throws, refuses later steps, and keeps the first failure', async () => {
    const { recorder: steps } = recorder();
    await expect(steps.step('breaks', () => Promise.reject(new TypeError('nope')))).rejects.toThrow('nope');
    await expect(steps.step('after', () => 1)).rejects.toMatchObject({ code: 'SCENARIO_STOPPED' });
    expect(steps.steps.map((step) => [step.title, step.ok])).toEqual([['breaks', false]]);
    expect(steps.failure).toMatchObject({ code: 'TypeError', message: 'nope', step: 'breaks' });
  });

  it('records nested steps with their depth, the inner one first', async () => {
    const { recorder: steps } = recorder();
    await steps.step('outer', () => steps.step('inner', () => expect(steps.current).toBe('inner')));
    expect(steps.steps.map((step) => [step.title, step.depth])).toEqual([['inner', 1], ['outer', 0]]);
  });

  it('ends the running steps at once on abort and redacts secrets from titles and notes', async () => {
    const { recorder: steps, secrets, events } = recorder();
    secrets.add('Pw-12345678');
    let release!: () => void;
    const running = steps.step('log in as ada with Pw-12345678', async () => {
      steps.note('password Pw-12345678');
      await new Promise<void>((resolve) => (release = resolve));
    });
    await Promise.resolve();
    steps.abort(new Error('stopped'));
    expect(steps.steps).toHaveLength(1);
    expect(steps.steps[0]).toMatchObject({ title: 'log in as ada with ‹secret›', ok: false, notes: ['password ‹secret›'], error: { message: 'stopped' } });
    release();
    await running;
    expect(events.filter((event) => event.type === 'step.end')).toHaveLength(1);
    expect(() => steps.measure('late', 1, 'ms')).toThrow(expect.objectContaining({ code: 'SCENARIO_STOPPED' }));
  });
});
