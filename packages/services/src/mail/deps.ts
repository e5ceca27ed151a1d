import type { Telemetry } from '../kit/telemetry.js';
import type { Mailer } from './delivery.js';
import { mailErrors } from './errors.js';
import type { MailFilters } from './filter-seam.js';
import type { MailStore } from './store.js';
import type { UserDirectory } from './users.js';

/** What every mail route handler works with. */
export interface MailDeps {
  readonly store: MailStore;
  readonly users: UserDirectory;
  readonly mailer: Mailer;
  readonly filters: MailFilters;
  readonly telemetry: Telemetry;
  /** Epoch ms now. */
  readonly clock: () => number;
}

/** A message or contact id from the path; anything that is not one is simply not found. */
export function parseId(text: string | undefined, notFound: () => Error): number {
  const id = /^\d{1,16}$/.test(text ?? '') ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(id) || id <= 0) throw notFound();
  return id;
}

/** Unwraps a store write of a contact or group: 404 for an unknown id, 409 for a name the user already uses. */
export function writtenOr<T>(notFound: () => Error): (result: T | 'not-found' | 'name-taken') => T {
  return (result) => {
    if (result === 'not-found') throw notFound();
    if (result === 'name-taken') throw mailErrors.MAIL_NAME_TAKEN();
    return result;
  };
}

/** The path's message id; another user's id is as unknown as a made-up one (404, never 403). */
export function parseMessageId(text: string | undefined): number {
  return parseId(text, () => mailErrors.MAIL_MESSAGE_NOT_FOUND());
}
