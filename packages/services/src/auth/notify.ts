import type { TraceContext } from '../kit/trace.js';
import type { AuthDeps } from './deps.js';
import { authErrors } from './errors.js';
import type { OtpPurpose, UserRecord } from './records.js';

/** Texts a one-time code to the user; AUTH_SMS_UNAVAILABLE when the SMS service does not take it (the code stays stored). */
export async function sendCode(
  deps: Pick<AuthDeps, 'sms' | 'telemetry'>,
  message: { user: UserRecord; purpose: OtpPurpose; code: string; trace: TraceContext },
): Promise<void> {
  const { user, purpose, code, trace } = message;
  try {
    await deps.sms.send({ to: user.phone, template: 'otp', fields: { firstName: user.firstName, code, purpose }, userId: user.id, trace });
  } catch (error) {
    deps.telemetry.warn('one-time code not sent', { userId: user.id, purpose, reason: (error as Error).message });
    throw authErrors.AUTH_SMS_UNAVAILABLE({ cause: error });
  }
}

/** Texts the welcome message; best effort, a failure is only logged. */
export async function sendWelcome(deps: Pick<AuthDeps, 'sms' | 'telemetry'>, user: UserRecord, trace: TraceContext): Promise<void> {
  try {
    await deps.sms.send({ to: user.phone, template: 'welcome', fields: { firstName: user.firstName }, userId: user.id, trace });
  } catch (error) {
    deps.telemetry.warn('welcome message not sent', { userId: user.id, reason: (error as Error).message });
  }
}
