import { describe, expect, it } from 'vitest';
import { getShippedGlobalLayer } from './global-model.js';
import { judgeMessage } from './judge-message.js';
import { findSenderMismatch, parseSender } from './sender-display.js';
import { applySpamRules, EXCLAMATION_LIMIT } from './spam-rules.js';
import type { SpamMessage, SpamRuleId } from './spam-types.js';
import { makeMessage } from '#test-support/mail-filters.js';
import { countTokens, tokenizeMessage } from './tokenizer.js';

const ruleIds = (message: SpamMessage): SpamRuleId[] => applySpamRules(message).map((hit) => hit.id);
const scoreOf = (message: SpamMessage): number =>
  judgeMessage({ message, counts: countTokens(tokenizeMessage(message)), layers: [getShippedGlobalLayer()], threshold: 0.9 }).score;

const exe = { filename: 'setup.exe', contentType: 'application/octet-stream', size: 2048 };
const pdf = { filename: 'report.pdf', contentType: 'application/pdf', size: 2048 };

// Each case: a message that triggers exactly the rule, and the plain message it was made from.
const cases: readonly [SpamRuleId, Partial<SpamMessage>][] = [
  ['exclamations', { body: `Notes are in the doc${'!'.repeat(EXCLAMATION_LIMIT)}` }],
  ['caps-subject', { subject: 'NOTES FROM THE PLANNING MEETING' }],
  ['money-urgency', { body: 'Notes are in the doc. Act now, this is a limited time offer, wire transfer accepted.' }],
  ['ip-link', { body: 'The notes are at http://203.0.113.7/notes for review on Thursday.' }],
  ['from-mismatch', { from: '"PayPal Support" <help@notes-review.example>' }],
  ['empty-subject-attachment', { subject: '', attachments: [pdf] }],
  ['executable-attachment', { attachments: [exe] }],
];

describe('spam rules', () => {
  it('leave a plain message alone', () => {
    expect(ruleIds(makeMessage())).toEqual([]);
  });

  it.each(cases)('%s adds its reason and raises the score', (id, change) => {
    const plain = makeMessage();
    const flagged = makeMessage(change);
    expect(ruleIds(flagged)).toEqual([id]);
    expect(applySpamRules(flagged)[0]!.reason.startsWith(`${id}: `)).toBe(true);
    expect(scoreOf(flagged)).toBeGreaterThan(scoreOf(plain));
  });

  it('counts exclamation marks up to the limit only', () => {
    expect(ruleIds(makeMessage({ body: `Great news${'!'.repeat(EXCLAMATION_LIMIT - 1)}` }))).toEqual([]);
  });

  it('does not call a short or mixed-case subject shouting', () => {
    expect(ruleIds(makeMessage({ subject: 'FYI' }))).toEqual([]);
    expect(ruleIds(makeMessage({ subject: 'API and SQL notes' }))).toEqual([]);
  });

  it('finds raw IPv4 and IPv6 links but not host names or versions', () => {
    expect(ruleIds(makeMessage({ body: 'see https://user@[2001:db8::1]/x' }))).toEqual(['ip-link']);
    expect(ruleIds(makeMessage({ body: 'see https://example.org/1.2.3.4 and version 10.0.0.1' }))).toEqual([]);
  });

  it('names each money or urgency phrase in its reason', () => {
    const [hit] = applySpamRules(makeMessage({ body: 'Verify your account within 24 hours.' }));
    expect(hit?.reason).toContain('verify your account');
    expect(hit?.reason).toContain('within 24 hours');
  });

  it('executable-looking names include double extensions; documents do not', () => {
    expect(ruleIds(makeMessage({ attachments: [{ ...pdf, filename: 'invoice.pdf.exe' }] }))).toEqual(['executable-attachment']);
    expect(ruleIds(makeMessage({ attachments: [pdf, { ...pdf, filename: 'photo.JPG' }] }))).toEqual([]);
  });
});

describe('sender display', () => {
  it('splits display name and address', () => {
    expect(parseSender('"Ana Silva" <Ana@Example.org>')).toEqual({ display: 'Ana Silva', address: 'ana@example.org', domain: 'example.org' });
    expect(parseSender('bo@topolab.test')).toEqual({ display: '', address: 'bo@topolab.test', domain: 'topolab.test' });
  });

  it('flags a display that shows another domain or a brand the domain lacks', () => {
    expect(findSenderMismatch('"service@paypal.com" <x@evil.example>')).toContain('paypal.com');
    expect(findSenderMismatch('"Amazon Orders" <orders@amaz0n-billing.example>')).toContain('amazon');
    expect(findSenderMismatch('"UPS Delivery" <track@parcels.example>')).toContain('ups');
  });

  it('accepts matching brands, subdomains and plain names', () => {
    expect(findSenderMismatch('"PayPal" <service@mail.paypal.com>')).toBeUndefined();
    expect(findSenderMismatch('"news.example.org" <news@lists.example.org>')).toBeUndefined();
    expect(findSenderMismatch('"orders.example.co.uk" <a@mail.example.co.uk>')).toBeUndefined();
    expect(findSenderMismatch('"orders.other.co.uk" <a@mail.example.co.uk>')).toContain('other.co.uk');
    expect(findSenderMismatch('"Groups and cups" <a@example.org>')).toBeUndefined();
    expect(findSenderMismatch('ana@example.org')).toBeUndefined();
  });
});
