import { threadId } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createPasswordEstimator } from './password-estimator.js';

describe('the password estimator (zxcvbn in a worker thread)', () => {
  it("judges in a worker thread, so building the dictionaries (0.3 s of CPU) never stalls the service's thread", async () => {
    const estimator = createPasswordEstimator();
    const estimate = await estimator.estimate('correct horse battery', []);
    expect(estimate.threadId).not.toBe(threadId);
    expect(estimate.threadId).toBeGreaterThan(0);
  });

  it('scores like zxcvbn, with its explanation below 3, and treats the context words as guessable', async () => {
    const estimator = createPasswordEstimator();
    expect(await estimator.estimate('correct horse battery', [])).toMatchObject({ score: 4 });
    const common = await estimator.estimate('password1', []);
    expect(common.score).toBeLessThan(3);
    expect(common.warning).toBe('This is a commonly used password.');
    expect((await estimator.estimate('zebulonquaxter', [])).score).toBeGreaterThan((await estimator.estimate('zebulonquaxter', ['zebulonquaxter'])).score);
  });
});
