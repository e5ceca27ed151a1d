/**
 * The one polling wait of every package's tests: checks `condition` every `intervalMs` until it
 * holds (truthy), and fails after `timeoutMs` naming `what` was awaited. (Scenarios have their
 * own, `ctx.waitFor`, which fails a step instead.)
 */
export async function waitFor(condition: () => unknown, timeoutMs = 2000, what = 'condition', intervalMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
