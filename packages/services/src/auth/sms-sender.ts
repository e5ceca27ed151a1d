import type { ServiceCaller } from '../kit/discovery/service-caller.js';
import type { TraceContext } from '../kit/trace.js';

/** The SMS service's templates. */
export type SmsTemplate = 'otp' | 'welcome' | 'warning' | 'reminder';

/** One message to send (fields fill the template's `${firstName}`-style holes). */
export interface SmsMessage {
  /** E.164 number. */
  readonly to: string;
  readonly template: SmsTemplate;
  readonly fields: Readonly<Record<string, string>>;
  readonly userId?: string;
  /** The request's span, so the SMS hop joins its trace. */
  readonly trace?: TraceContext;
}

/** Where auth's text messages go: the SMS service in a topology, a recorder in tests. */
export interface SmsSender {
  /** Resolves once the SMS service accepted the message; rejects with SmsSendError otherwise. */
  send(message: SmsMessage): Promise<void>;
}

/** The SMS service did not accept a message. The message never holds the text or its fields. */
export class SmsSendError extends Error {
  override readonly name = 'SmsSendError';
  constructor(
    /** `unreachable`: no instance answered; `refused`: it answered with a status other than 2xx (201 expected). */
    readonly reason: 'unreachable' | 'refused',
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(reason === 'refused' ? `The SMS service answered ${status}` : 'The SMS service could not be reached', options);
  }
}

/** Sends through `POST /sms/send` on some live SMS instance, resolved through the registry. */
export function createSmsSender(caller: ServiceCaller): SmsSender {
  return {
    async send({ to, template, fields, userId, trace }) {
      let status: number;
      try {
        ({ status } = await caller.call({
          service: 'sms',
          method: 'POST',
          path: '/sms/send',
          body: { to, template, fields, ...(userId === undefined ? {} : { userId }) },
          ...(trace ? { trace } : {}),
        }));
      } catch (error) {
        throw new SmsSendError('unreachable', undefined, { cause: error });
      }
      if (status < 200 || status >= 300) throw new SmsSendError('refused', status);
    },
  };
}
