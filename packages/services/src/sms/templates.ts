import { smsErrors } from './errors.js';

/** The message kinds the SMS service can send. */
export const templateNames = ['otp', 'welcome', 'warning', 'reminder'] as const;

/** One of the message kinds. */
export type TemplateName = (typeof templateNames)[number];

/** The text of each template; `${field}` is replaced by the field of that name. */
export const templates: Readonly<Record<TemplateName, string>> = Object.freeze({
  otp: 'Hi ${firstName}, your topolab ${purpose} code is ${code}. It expires in 5 minutes. Never share it.',
  welcome: 'Thanks ${firstName} for registering with topolab mail. Your account is ready.',
  warning: 'Hi ${firstName}, ${message}',
  reminder: 'Hi ${firstName}, a reminder: ${message}',
});

const placeholder = /\$\{(\w+)\}/g;

/** Renders a template; a field the template names but `fields` lacks fails with SMS_TEMPLATE_FIELD_MISSING. */
export function renderTemplate(name: TemplateName, fields: Readonly<Record<string, string>>): string {
  const missing = [...templates[name].matchAll(placeholder)].map((match) => match[1]!).filter((field) => fields[field] === undefined);
  if (missing.length > 0) {
    throw smsErrors.SMS_TEMPLATE_FIELD_MISSING({
      details: [...new Set(missing)].map((field) => ({ path: `body.fields.${field}`, message: `required by the ${name} template` })),
    });
  }
  return templates[name].replace(placeholder, (_, field: string) => fields[field]!);
}
