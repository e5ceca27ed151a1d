/** The domain every user of the topology has an address at: `username@topolab.test`. */
export const mailDomain = 'topolab.test';

/** Where delivery failures and quarantine notices come from. */
export const postmaster = Object.freeze({ address: `mailer-daemon@${mailDomain}`, name: 'Mail Delivery System' });

/** A syntactically valid address, lower-cased. */
export interface ParsedAddress {
  readonly address: string;
  readonly local: string;
  readonly domain: string;
}

// Deliberately narrower than RFC 5322: what a topolab username can be, plus `+` tags, at a dotted domain.
const localPart = /^[a-z0-9](?:[a-z0-9._+-]{0,63})$/;
const domainPart = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Parses `text` as an address (case-insensitive); undefined when it is not one. */
export function parseAddress(text: string): ParsedAddress | undefined {
  const address = text.trim().toLowerCase();
  if (address.length > 254) return undefined;
  const at = address.indexOf('@');
  if (at <= 0 || at !== address.lastIndexOf('@')) return undefined;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (!localPart.test(local) || !domainPart.test(domain) || local.includes('..')) return undefined;
  return { address, local, domain };
}

/** The address of a user. */
export function addressOf(username: string): string {
  return `${username}@${mailDomain}`;
}

/** Whether an address is at the topology's own domain (deliverable if the user exists). */
export function isLocalAddress(address: ParsedAddress): boolean {
  return address.domain === mailDomain;
}

/** A From header as filters read it: `"Ada" <ada@topolab.test>`. */
export function formatMailbox(name: string, address: string): string {
  return name ? `"${name.replaceAll('"', "'")}" <${address}>` : address;
}
