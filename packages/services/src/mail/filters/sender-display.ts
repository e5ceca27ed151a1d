// Brands that phishing pretends to be; a display name naming one must come from its domain.
const BRANDS: readonly string[] = [
  'paypal', 'amazon', 'apple', 'icloud', 'microsoft', 'outlook', 'office365', 'netflix', 'google',
  'gmail', 'facebook', 'instagram', 'linkedin', 'dhl', 'fedex', 'ups', 'usps', 'irs', 'hmrc',
  'chase', 'wellsfargo', 'citibank', 'hsbc', 'barclays', 'santander', 'coinbase', 'binance',
  'docusign', 'dropbox', 'topolab',
];

const DOMAIN_PATTERN = /\b((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,})\b/g;

/** A From header split into its display name and address. */
export interface SenderParts {
  readonly display: string;
  /** Lowercase address; '' when the header has none. */
  readonly address: string;
  /** Lowercase domain of the address; '' when none. */
  readonly domain: string;
}

/** Splits `"Name" <addr@domain>`, `Name <addr>` or a bare `addr`. */
export function parseSender(from: string): SenderParts {
  const angled = /^\s*(.*?)\s*<([^<>]*)>\s*$/.exec(from);
  const display = angled ? angled[1]!.replace(/^"(.*)"$/, '$1').trim() : '';
  const address = (angled ? angled[2]! : from).trim().toLowerCase();
  const at = address.lastIndexOf('@');
  return { display, address, domain: at >= 0 ? address.slice(at + 1) : '' };
}

/**
 * Why the display name of a From header misleads about its address, or undefined when it does
 * not: it shows another domain or address (`"service@paypal.com" <x@evil.example>`), or names a
 * known brand that the sending domain does not contain.
 */
export function findSenderMismatch(from: string): string | undefined {
  const { display, domain } = parseSender(from);
  if (display === '' || domain === '') return undefined;
  const shown = display.toLowerCase();
  for (const match of shown.matchAll(DOMAIN_PATTERN)) {
    const claimed = match[1]!;
    if (!isSameOrganisation(claimed, domain)) return `display name shows ${claimed} but the address is at ${domain}`;
  }
  const squashed = shown.replace(/[^a-z0-9]/g, '');
  const compactDomain = domain.replace(/[^a-z0-9.]/g, '');
  for (const brand of BRANDS) {
    if (containsWord(shown, squashed, brand) && !compactDomain.includes(brand)) {
      return `display name claims ${brand} but the address is at ${domain}`;
    }
  }
  return undefined;
}

function isSameOrganisation(claimed: string, actual: string): boolean {
  return findOrganisationDomain(claimed) === findOrganisationDomain(actual);
}

// `mail.example.org` → `example.org`; `shop.example.co.uk` → `example.co.uk` (a rough public-suffix rule).
function findOrganisationDomain(domain: string): string {
  const labels = domain.split('.');
  const keep = labels.length > 2 && labels.at(-1)!.length === 2 && /^(co|com|org|net|ac|gov|edu)$/.test(labels.at(-2)!) ? 3 : 2;
  return labels.slice(-keep).join('.');
}

// Short brands ("ups", "irs") must stand as words; long ones may be glued ("PayPal-Support").
function containsWord(shown: string, squashed: string, brand: string): boolean {
  if (brand.length <= 4) return new RegExp(`(^|[^a-z0-9])${brand}([^a-z0-9]|$)`).test(shown);
  return squashed.includes(brand);
}
