import { inspectFilename } from './dangerous-files.js';
import { findSenderMismatch } from './sender-display.js';
import { gtubeSignature } from '../../contract/mail-signatures.js';
import type { RuleHit, SpamMessage } from './spam-types.js';

/**
 * How far each rule moves the log-odds of spam. The classifier's own log-odds are squashed into
 * ±8 first, so one rule tips a borderline message and several together a doubtful one.
 */
export const RULE_WEIGHTS = Object.freeze({
  exclamations: 1.0,
  'caps-subject': 1.2,
  /** Per phrase found, up to three phrases. */
  'money-urgency': 0.8,
  'ip-link': 2.0,
  'from-mismatch': 2.0,
  'empty-subject-attachment': 1.0,
  'executable-attachment': 2.5,
});

/** Exclamation marks in subject and body together from which the rule matches. */
export const EXCLAMATION_LIMIT = 5;

// Phrases that push for money or haste; matched on lowercased text with collapsed spaces.
const MONEY_URGENCY_PHRASES: readonly RegExp[] = [
  /\bact (now|fast|immediately)\b/, /\blimited[- ]time\b/, /\burgent(ly)?\b/, /\bimmediate(ly)? action\b/,
  /\b100% free\b/, /\brisk[- ]free\b/, /\bno (credit )?check\b/, /\bwire transfer\b/, /\bbank (details|transfer)\b/,
  /\bclaim (your|the) (prize|reward|refund|winnings)\b/, /\byou('ve| have)? won\b/,
  /\b(million|thousand) (dollars|usd|euros|pounds)\b/, /\$\s?\d{1,3}(,\d{3})+\b/, /\bcash (bonus|prize|now)\b/,
  /\bverify your (account|identity|password)\b/, /\baccount (will be )?(suspended|closed|locked)\b/,
  /\bexpires? (today|tonight|in 24 hours)\b/, /\bwithin 24 hours\b/, /\bdouble your\b/, /\bguaranteed\b/,
  /\bclick (here|below)\b/, /\bonce in a lifetime\b/, /\bfinal (notice|warning)\b/, /\bgift card\b/,
];

const IP_LINK = /\b(?:https?|ftp):\/\/(?:[^\s/@]*@)?(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:]+\])(?=[:/\s]|$)/i;

/** Runs every header and content rule over a message; GTUBE alone is certain. */
export function applySpamRules(message: SpamMessage): RuleHit[] {
  const hits: RuleHit[] = [];
  const text = `${message.subject}\n${message.body}`;
  if (text.includes(gtubeSignature())) hits.push({ id: 'gtube', weight: 0, reason: 'gtube: GTUBE test string', certain: true });
  const exclamations = countChar(text, '!');
  if (exclamations >= EXCLAMATION_LIMIT) {
    hits.push({ id: 'exclamations', weight: RULE_WEIGHTS.exclamations, reason: `exclamations: ${exclamations} exclamation marks` });
  }
  if (isShouting(message.subject)) hits.push({ id: 'caps-subject', weight: RULE_WEIGHTS['caps-subject'], reason: 'caps-subject: subject in capitals' });
  const phrases = findMoneyUrgencyPhrases(text);
  if (phrases.length > 0) {
    const weight = RULE_WEIGHTS['money-urgency'] * Math.min(phrases.length, 3);
    hits.push({ id: 'money-urgency', weight, reason: `money-urgency: ${phrases.map((p) => `"${p}"`).join(', ')}` });
  }
  const ipLink = IP_LINK.exec(text);
  if (ipLink) hits.push({ id: 'ip-link', weight: RULE_WEIGHTS['ip-link'], reason: `ip-link: link to a raw IP address (${ipLink[0]})` });
  const mismatch = findSenderMismatch(message.from);
  if (mismatch) hits.push({ id: 'from-mismatch', weight: RULE_WEIGHTS['from-mismatch'], reason: `from-mismatch: ${mismatch}` });
  if (message.subject.trim() === '' && message.attachments.length > 0) {
    hits.push({ id: 'empty-subject-attachment', weight: RULE_WEIGHTS['empty-subject-attachment'], reason: 'empty-subject-attachment: no subject, with an attachment' });
  }
  const executables = message.attachments.filter((a) => inspectFilename(a.filename).dangerous).map((a) => a.filename);
  if (executables.length > 0) {
    hits.push({ id: 'executable-attachment', weight: RULE_WEIGHTS['executable-attachment'], reason: `executable-attachment: ${executables.join(', ')}` });
  }
  return hits;
}

/** The money/urgency phrases found in a text, as written there (lowercased), each once. */
export function findMoneyUrgencyPhrases(text: string): string[] {
  const flat = text.toLowerCase().replace(/\s+/g, ' ');
  const found = new Set<string>();
  for (const pattern of MONEY_URGENCY_PHRASES) {
    const match = pattern.exec(flat);
    if (match) found.add(match[0]);
  }
  return [...found];
}

// A subject shouts when it has at least 8 letters, two words, and 80 % of its letters are capitals.
function isShouting(subject: string): boolean {
  const letters = subject.match(/\p{L}/gu) ?? [];
  if (letters.length < 8 || subject.trim().split(/\s+/).length < 2) return false;
  const upper = letters.filter((c) => c !== c.toLowerCase() && c === c.toUpperCase()).length;
  return upper / letters.length >= 0.8;
}

function countChar(text: string, char: string): number {
  let count = 0;
  for (let i = text.indexOf(char); i >= 0; i = text.indexOf(char, i + 1)) count += 1;
  return count;
}
