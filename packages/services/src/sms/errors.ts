import { defineErrors } from '../kit/errors.js';

/** Error codes of the SMS service. */
export const smsErrors = defineErrors({
  SMS_TEMPLATE_FIELD_MISSING: [400, 'The template needs a field that was not given.', 'See error.details for the missing field.'],
  SMS_DB_UNAVAILABLE: [503, 'The SMS database cannot be read.', 'See the sms instance log.'],
});
