import { defineErrors } from '../kit/errors.js';

/** Error codes of the SMS service. */
export const smsErrors = defineErrors({
  SMS_TEMPLATE_FIELD_MISSING: { status: 400, message: 'The template needs a field that was not given.', hint: 'See error.details for the missing field.' },
  SMS_DB_UNAVAILABLE: { status: 503, message: 'The SMS database cannot be read.', hint: 'See the sms instance log.' },
});
