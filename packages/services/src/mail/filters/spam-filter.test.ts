import { describe, expect, it, vi } from 'vitest';
import { gtubeSignature } from '../../contract/mail-signatures.js';
import { createSpamFilter, DEFAULT_SPAM_THRESHOLD } from './spam-filter.js';
import type { SpamMessage } from './spam-types.js';
import { makeMessage, openSpamTestDatabase } from '#test-support/mail-filters.js';

// A newsletter the corpus would call ham, in several issues, and one more issue to score.
const newsletter = (topic: string, event: string, discount: string, userId = 'user-alice'): SpamMessage =>
  makeMessage({
    from: '"Greenleaf" <news@greenleaf-garden.example>',
    subject: `Greenleaf weekly: ${topic}`,
    body: `This week at Greenleaf garden centre: ${topic}, a ${event} workshop on Saturday and 10% off ${discount} for members.`,
    userId,
  });
const issues = [
  newsletter('roses are back in stock', 'pruning', 'compost'),
  newsletter('summer bulbs have arrived', 'watering', 'pots'),
  newsletter('tomato plants on sale', 'composting', 'seeds'),
];
const nextIssue = (userId: string) => newsletter('new hedging plants', 'lawn care', 'tools', userId);

describe('createSpamFilter', () => {
  it('calls the GTUBE string spam with certainty', () => {
    const filter = createSpamFilter({ db: openSpamTestDatabase() });
    const verdict = filter.score(makeMessage({ body: `Testing the filter:\n${gtubeSignature()}\n` }));
    expect(verdict).toMatchObject({ score: 1, spam: true });
    expect(verdict.reasons.some((reason) => reason.startsWith('gtube: '))).toBe(true);
  });

  it('scores in 0..1, explains with the classifier first, and keeps ham out of spam', () => {
    const filter = createSpamFilter({ db: openSpamTestDatabase() });
    const ham = filter.score(makeMessage());
    const spam = filter.score(
      makeMessage({
        from: '"Apple Support" <id@secure-login.example>',
        subject: 'Your Apple ID has been locked',
        body: 'Verify your account within 24 hours at http://198.51.100.4/unlock or your purchases will be lost.',
      }),
    );
    expect(filter.threshold).toBe(DEFAULT_SPAM_THRESHOLD);
    expect(ham.spam).toBe(false);
    expect(spam.spam).toBe(true);
    for (const verdict of [ham, spam]) {
      expect(verdict.score).toBeGreaterThanOrEqual(0);
      expect(verdict.score).toBeLessThanOrEqual(1);
      expect(verdict.reasons[0]).toMatch(/^bayes: /);
    }
    expect(spam.reasons.map((reason) => reason.split(':')[0])).toEqual(['bayes', 'money-urgency', 'ip-link', 'from-mismatch']);
  });

  it('applies its threshold and rejects one outside 0..1', () => {
    const db = openSpamTestDatabase();
    const strict = createSpamFilter({ db, threshold: 0 });
    expect(strict.score(makeMessage()).spam).toBe(true);
    expect(() => createSpamFilter({ db, threshold: 1.5 })).toThrow(RangeError);
    expect(() => createSpamFilter({ db, threshold: Number.NaN })).toThrow(RangeError);
  });

  it("retrains a user's own model from their marks, leaving other users alone", () => {
    const filter = createSpamFilter({ db: openSpamTestDatabase(), clock: () => 1_700_000_000_000 });
    const aliceBefore = filter.score(nextIssue('user-alice'));
    const bobBefore = filter.score(nextIssue('user-bob'));
    expect(aliceBefore.spam).toBe(false);
    for (const issue of issues) filter.learn('user-alice', issue, 'spam');
    const aliceAfter = filter.score(nextIssue('user-alice'));
    expect(aliceAfter.score).toBeGreaterThan(aliceBefore.score);
    expect(aliceAfter.spam).toBe(true);
    expect(aliceAfter.reasons[0]).toContain('your own marks');
    expect(filter.score(nextIssue('user-bob'))).toEqual(bobBefore);
  });

  it('lowers the score for a user who marks a kind of message as not spam', () => {
    const filter = createSpamFilter({ db: openSpamTestDatabase() });
    const digest = (n: number, userId = 'user-carol') =>
      makeMessage({ subject: `Crypto market digest #${n}`, body: `Bitcoin and ETH prices this week, token listings on exchanges and wallet security tips. Issue ${n}.`, userId });
    const before = filter.score(digest(4)).score;
    for (const n of [1, 2, 3]) filter.learn('user-carol', digest(n), 'ham');
    expect(filter.score(digest(4)).score).toBeLessThan(before);
    expect(filter.score(digest(4, 'user-dan')).score).toBe(before);
  });

  it('stores counts and totals per user', () => {
    const db = openSpamTestDatabase();
    const filter = createSpamFilter({ db, clock: () => 42 });
    filter.learn('user-alice', makeMessage({ subject: 'cheap cheap', body: 'pills' }), 'spam');
    filter.learn('user-alice', makeMessage({ subject: 'cheap', body: 'lunch' }), 'ham');
    expect(db.prepare("SELECT token, spam_count, ham_count, updated_at FROM spam_tokens WHERE user_id = 'user-alice' ORDER BY token").all()).toEqual([
      { token: 'cheap', spam_count: 2, ham_count: 1, updated_at: 42 },
      { token: 'lunch', spam_count: 0, ham_count: 1, updated_at: 42 },
      { token: 'pills', spam_count: 1, ham_count: 0, updated_at: 42 },
    ]);
    expect(db.prepare('SELECT * FROM spam_user_totals').all()).toEqual([
      { user_id: 'user-alice', spam_messages: 1, ham_messages: 1, spam_tokens: 3, ham_tokens: 2, vocabulary: 3, updated_at: 42 },
    ]);
  });

  it('prepares its statements once, not per message', () => {
    const db = openSpamTestDatabase();
    const prepare = vi.spyOn(db, 'prepare');
    const filter = createSpamFilter({ db });
    const prepared = prepare.mock.calls.length;
    filter.learn('user-alice', issues[0]!, 'spam');
    filter.score(nextIssue('user-alice'));
    filter.score(nextIssue('user-bob'));
    expect(prepare.mock.calls.length).toBe(prepared);
  });
});
