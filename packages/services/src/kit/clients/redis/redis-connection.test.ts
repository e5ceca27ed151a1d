import { describe, expect, it } from 'vitest';
import { redisAddressOf } from '../../../contract/backends.js';

describe('the address a Redis span names', () => {
  it('is host:port only, never the credentials a URL may carry', () => {
    expect(redisAddressOf('redis://app:s3cret@10.0.0.5:6380/0')).toBe('10.0.0.5:6380');
    expect(redisAddressOf('rediss://:only-a-password@cache.example')).toBe('cache.example:6379');
    expect(redisAddressOf('redis://127.0.11.1:41234')).toBe('127.0.11.1:41234');
  });
});
