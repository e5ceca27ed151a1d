import { Agent, request } from 'node:http';

/**
 * An open-loop constant-rate load: requests leave on a fixed schedule whatever the answers
 * (a closed loop would slow down when the system fails and hide failures). Resolves with one
 * record per request: { sentAt, doneAt, status, error } (ms since start).
 */
export async function runOpenLoop({ url, rate, durationMs, headers = {}, timeoutMs = 2000, localAddress, onTick }) {
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const target = new URL(url);
  const records = [];
  const pending = [];
  const started = performance.now();
  const total = Math.round((rate * durationMs) / 1000);
  for (let i = 0; i < total; i++) {
    const due = (i * 1000) / rate;
    const wait = due - (performance.now() - started);
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    onTick?.(performance.now() - started);
    pending.push(send());
  }
  await Promise.all(pending);
  agent.destroy();
  return records;

  function send() {
    const sentAt = performance.now() - started;
    return new Promise((resolve) => {
      const record = { sentAt, doneAt: undefined, status: undefined, error: undefined };
      records.push(record);
      const req = request(target, { method: 'GET', headers, agent, timeout: timeoutMs, ...(localAddress ? { localAddress } : {}) }, (res) => {
        res.resume();
        res.on('end', () => {
          record.status = res.statusCode;
          record.doneAt = performance.now() - started;
          resolve();
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (error) => {
        record.error = error.message;
        record.doneAt = performance.now() - started;
        resolve();
      });
      req.end();
    });
  }
}
