import { describe, expect, it } from 'vitest';
import { countTokens, MAX_TOKEN_LENGTH, tokenize, tokenizeMessage } from './tokenizer.js';

describe('tokenize', () => {
  it('lowercases and splits on anything that is not a letter or digit', () => {
    expect(tokenize('Claim-your PRIZE,now:2024 e-mail')).toEqual(['claim', 'your', 'prize', 'now', '2024', 'mail']);
  });

  it('keeps runs of $ and ! as tokens', () => {
    expect(tokenize('Earn $$$ fast!!! Now! $5')).toEqual(['earn', '$$$', 'fast', '!!!', 'now', '!', '$']);
  });

  it('drops one-character words and stop words', () => {
    expect(tokenize('I think the cat is on a mat and it is fine')).toEqual(['think', 'cat', 'mat', 'fine']);
  });

  it('keeps letters of any script and folds compatibility forms', () => {
    expect(tokenize('Café ÜBER ｆｒｅｅ')).toEqual(['café', 'über', 'free']);
  });

  it('drops words longer than the limit (base64, hashes)', () => {
    expect(tokenize(`see ${'a'.repeat(MAX_TOKEN_LENGTH + 1)} ok ${'b'.repeat(MAX_TOKEN_LENGTH)}`)).toEqual(['see', 'ok', 'b'.repeat(MAX_TOKEN_LENGTH)]);
  });

  it('tokenizes subject then body and counts repeats', () => {
    const tokens = tokenizeMessage({ subject: 'Cheap pills', body: 'cheap cheap pills' });
    expect(tokens).toEqual(['cheap', 'pills', 'cheap', 'cheap', 'pills']);
    expect(countTokens(tokens)).toEqual(new Map([['cheap', 3], ['pills', 2]]));
  });
});
