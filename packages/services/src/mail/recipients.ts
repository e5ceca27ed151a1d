import { parseAddress } from './addresses.js';
import { nameKey, type NameTarget } from './contact-store.js';
import { mailErrors } from './errors.js';

/** Recipients as the sender wrote them: addresses, contact names or group names. */
export interface RawRecipients {
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly bcc: readonly string[];
}

/** Distinct lower-cased addresses per role; an address appears once, in the first of to, cc, bcc. */
export interface ResolvedRecipients {
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly bcc: readonly string[];
}

/** The most addresses one message may go to, after groups are expanded. */
export const maxRecipients = 500;

const roles = ['to', 'cc', 'bcc'] as const;

/**
 * Resolves every recipient: a string with `@` must be a valid address; one without names a
 * contact or group of the sender (case-insensitive), a group expanding to its members in the
 * same role. Unknown names are refused (400 MAIL_RECIPIENT_UNKNOWN, every one listed) rather
 * than bounced: a typo in a name is the sender's to fix, while an address that does not exist
 * bounces at delivery like real mail.
 */
export function resolveRecipients(raw: RawRecipients, resolveNames: (names: readonly string[]) => Map<string, NameTarget>): ResolvedRecipients {
  const invalid: { path: string; message: string }[] = [];
  const unknown: { path: string; message: string }[] = [];
  const names = roles.flatMap((role) => raw[role].filter((entry) => !entry.includes('@')));
  const targets = names.length > 0 ? resolveNames(names) : new Map<string, NameTarget>();
  const seen = new Set<string>();
  const resolved: Record<(typeof roles)[number], string[]> = { to: [], cc: [], bcc: [] };
  const add = (role: (typeof roles)[number], address: string) => {
    if (seen.has(address)) return;
    seen.add(address);
    resolved[role].push(address);
  };

  for (const role of roles) {
    raw[role].forEach((entry, index) => {
      const path = `body.${role}.${index}`;
      if (entry.includes('@')) {
        const parsed = parseAddress(entry);
        if (parsed) add(role, parsed.address);
        else invalid.push({ path, message: 'not a valid address' });
        return;
      }
      const target = targets.get(nameKey(entry));
      if (!target) unknown.push({ path, message: `no contact or group named "${entry.trim()}"` });
      else if (target.kind === 'contact') add(role, target.address);
      else for (const address of target.addresses) add(role, address);
    });
  }
  if (invalid.length > 0) throw mailErrors.MAIL_RECIPIENT_INVALID({ details: invalid });
  if (unknown.length > 0) throw mailErrors.MAIL_RECIPIENT_UNKNOWN({ details: unknown });
  if (seen.size === 0) throw mailErrors.MAIL_RECIPIENTS_EMPTY();
  if (seen.size > maxRecipients) throw mailErrors.MAIL_TOO_MANY_RECIPIENTS({ message: `The message has ${seen.size} recipients; the limit is ${maxRecipients}.` });
  return resolved;
}
