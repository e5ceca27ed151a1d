import { createConnection } from 'node:net';
import { sendHttpRequest } from '../client/http-request.js';

/**
 * Whether a Redis at host:port answers PING within `timeoutMs`: PONG, or NOAUTH from one whose
 * default user is off (it is up; its users authenticate). The probe itself holds no password.
 */
export function answersPing(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(/^(?:\+PONG|-NOAUTH)/.test(data.toString('latin1'))));
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}

/** Whether GET `url` answers 200 within `timeoutMs` (and, when given, the answer's body passes `check`: parsed when JSON). */
export async function answersOk(url: string, timeoutMs = 500, check?: (body: unknown) => boolean, headers?: Readonly<Record<string, string>>): Promise<boolean> {
  try {
    const response = await sendHttpRequest({ url, timeoutMs, ...(headers ? { headers } : {}) });
    return response.status === 200 && (check?.(response.body) ?? true);
  } catch {
    return false;
  }
}
