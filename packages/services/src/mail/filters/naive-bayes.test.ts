import { describe, expect, it } from 'vitest';
import { type CountLayer, toProbability, trainLayer, weighEvidence } from './naive-bayes.js';

// spam: [buy cheap] [buy now]; ham: [meeting now] → totals spam 4, ham 2; vocabulary 4.
const tiny = (): CountLayer =>
  trainLayer([
    { label: 'spam', tokens: ['buy', 'cheap'] },
    { label: 'spam', tokens: ['buy', 'now'] },
    { label: 'ham', tokens: ['meeting', 'now'] },
  ]);

describe('multinomial naive Bayes', () => {
  it('counts messages, token occurrences and vocabulary per class', () => {
    const layer = tiny();
    expect(layer.messages).toEqual({ spam: 2, ham: 1 });
    expect(layer.totals).toEqual({ spam: 4, ham: 2 });
    expect(layer.vocabulary).toBe(4);
    expect(layer.lookup('now')).toEqual({ spam: 1, ham: 1 });
    expect(layer.lookup('never')).toBeUndefined();
  });

  it('adds the prior and Laplace-smoothed log-likelihood ratios', () => {
    const evidence = weighEvidence(new Map([['buy', 1]]), [tiny()]);
    // prior ln((2+1)/(1+1)); buy: (2+1)/(4+4) against (0+1)/(2+4)
    const expected = Math.log(3 / 2) + Math.log((3 / 8) / (1 / 6));
    expect(evidence.logOdds).toBeCloseTo(expected, 12);
    expect(evidence.contributions.get('buy')).toBeCloseTo(Math.log(2.25), 12);
  });

  it('multiplies a ratio by the occurrences and skips unknown tokens', () => {
    const once = weighEvidence(new Map([['meeting', 1]]), [tiny()]).logOdds;
    const twice = weighEvidence(new Map([['meeting', 2], ['zebra', 5]]), [tiny()]);
    const prior = Math.log(3 / 2);
    expect(twice.logOdds - prior).toBeCloseTo(2 * (once - prior), 12);
    expect(twice.contributions.has('zebra')).toBe(false);
    expect(once).toBeLessThan(0);
  });

  it('weighs a second layer by its weight', () => {
    const user: CountLayer = {
      lookup: (token) => (token === 'meeting' ? { spam: 1, ham: 0 } : undefined),
      messages: { spam: 1, ham: 0 },
      totals: { spam: 1, ham: 0 },
      vocabulary: 1,
      weight: 3,
    };
    const evidence = weighEvidence(new Map([['meeting', 1]]), [tiny(), user]);
    // messages 2+3 vs 1; totals 4+3 vs 2; vocabulary 5; meeting 0+3 vs 1.
    const expected = Math.log(6 / 2) + Math.log((4 / 12) / (2 / 7));
    expect(evidence.logOdds).toBeCloseTo(expected, 12);
  });

  it('maps log-odds to a probability', () => {
    expect(toProbability(0)).toBe(0.5);
    expect(toProbability(Math.log(9))).toBeCloseTo(0.9, 12);
  });
});
