#!/usr/bin/env node
// Prints the spam filter's precision, recall and accuracy on the held-out quarter of the shipped
// corpus (every 4th message; the classifier trains on the rest). Run after `npx tsc -b`.
// Usage: node bench/spam-eval.mjs [--threshold 0.9] [--json]
import { evaluateSpamFilter } from '../packages/services/dist/mail/filters/index.js';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const threshold = Number(option('--threshold', '0.9'));
const result = evaluateSpamFilter({ threshold });

if (args.includes('--json')) {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} else {
  const { confusion: c } = result;
  const pct = (x) => `${(x * 100).toFixed(1)} %`;
  console.log(`spam filter, held-out ${result.heldOutSize} of ${result.heldOutSize + result.trainingSize} messages, threshold ${result.threshold}`);
  console.log(`  precision ${pct(result.precision)}   recall ${pct(result.recall)}   accuracy ${pct(result.accuracy)}`);
  console.log(`  spam called spam ${c.truePositive}, spam missed ${c.falseNegative}, ham called spam ${c.falsePositive}, ham kept ${c.trueNegative}`);
  for (const m of result.mistakes) console.log(`  wrong: [${m.label}] ${m.subject} (score ${m.score.toFixed(3)})`);
}
