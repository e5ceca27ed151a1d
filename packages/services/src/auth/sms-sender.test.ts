import { describe, expect, it } from 'vitest';
import type { ServiceCall, ServiceCaller } from '../kit/discovery/service-caller.js';
import { NoInstanceError } from '../kit/discovery/service-caller.js';
import { createSmsSender, SmsSendError } from './sms-sender.js';

function fakeCaller(answer: (call: ServiceCall) => { status: number } | Error) {
  const calls: ServiceCall[] = [];
  const caller: ServiceCaller = {
    async call<T>(call: ServiceCall) {
      calls.push(call);
      const result = answer(call);
      if (result instanceof Error) throw result;
      return { status: result.status, headers: {}, body: { id: 'm1' } as T };
    },
  };
  return { caller, calls };
}

const message = { to: '+447700900123', template: 'otp', fields: { firstName: 'Alice', code: '123456', purpose: 'login' }, userId: 'u1' } as const;

describe('createSmsSender', () => {
  it('posts the message to /sms/send on the sms service', async () => {
    const { caller, calls } = fakeCaller(() => ({ status: 201 }));
    await createSmsSender(caller).send(message);
    expect(calls).toEqual([
      {
        service: 'sms',
        method: 'POST',
        path: '/sms/send',
        body: { to: message.to, template: 'otp', fields: message.fields, userId: 'u1' },
      },
    ]);
  });

  it('rejects with reason refused when SMS answers with an error status', async () => {
    const { caller } = fakeCaller(() => ({ status: 500 }));
    const error = await createSmsSender(caller).send(message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmsSendError);
    expect(error).toMatchObject({ reason: 'refused', status: 500 });
    expect((error as Error).message).not.toContain('123456');
  });

  it('rejects with reason unreachable when no instance answers', async () => {
    const { caller } = fakeCaller(() => new NoInstanceError('sms'));
    await expect(createSmsSender(caller).send(message)).rejects.toMatchObject({ name: 'SmsSendError', reason: 'unreachable' });
  });
});
