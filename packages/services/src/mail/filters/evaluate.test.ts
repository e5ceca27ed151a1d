import { describe, expect, it } from 'vitest';
import { spamCorpus, splitCorpus } from './corpus.js';
import { evaluateSpamFilter } from './evaluate.js';
import { eicarSignature, gtubeSignature } from '../../contract/mail-signatures.js';

describe('shipped corpus', () => {
  it('has at least 240 distinct messages, about half spam', () => {
    expect(spamCorpus.length).toBeGreaterThanOrEqual(240);
    const spam = spamCorpus.filter((message) => message.label === 'spam').length;
    expect(spam / spamCorpus.length).toBeGreaterThan(0.45);
    expect(spam / spamCorpus.length).toBeLessThan(0.55);
    expect(new Set(spamCorpus.map((message) => `${message.subject}\n${message.body}`)).size).toBe(spamCorpus.length);
  });

  it('contains neither test string, so it cannot teach them', () => {
    for (const { subject, body } of spamCorpus) {
      expect(`${subject} ${body}`).not.toContain(gtubeSignature());
      expect(`${subject} ${body}`).not.toContain(eicarSignature());
    }
  });

  it('holds out every 4th message, a quarter of each class', () => {
    const { training, heldOut } = splitCorpus(spamCorpus);
    expect(heldOut).toEqual(spamCorpus.filter((_, index) => index % 4 === 3));
    expect(training.length + heldOut.length).toBe(spamCorpus.length);
    const share = (label: 'spam' | 'ham') =>
      heldOut.filter((m) => m.label === label).length / spamCorpus.filter((m) => m.label === label).length;
    expect(share('spam')).toBeCloseTo(0.25, 1);
    expect(share('ham')).toBeCloseTo(0.25, 1);
  });
});

describe('evaluateSpamFilter', () => {
  it('meets precision >= 0.95 and recall >= 0.9 on the held-out quarter at the default threshold', () => {
    const result = evaluateSpamFilter();
    expect(result.threshold).toBe(0.9);
    expect(result.heldOutSize).toBe(Math.floor(spamCorpus.length / 4));
    const { truePositive, falsePositive, trueNegative, falseNegative } = result.confusion;
    expect(truePositive + falsePositive + trueNegative + falseNegative).toBe(result.heldOutSize);
    expect(result.mistakes).toHaveLength(falsePositive + falseNegative);
    expect(result.precision).toBeGreaterThanOrEqual(0.95);
    expect(result.recall).toBeGreaterThanOrEqual(0.9);
    expect(result.accuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('calls everything spam at threshold 0', () => {
    const result = evaluateSpamFilter({ threshold: 0 });
    expect(result.recall).toBe(1);
    expect(result.confusion.trueNegative).toBe(0);
  });
});
