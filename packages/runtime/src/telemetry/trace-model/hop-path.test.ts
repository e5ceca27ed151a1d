import { describe, expect, it } from 'vitest';
import { requestChain } from '../../../../../test-support/trace-spans.js';
import { formatHops, hopsOf } from './hop-path.js';

const { gatewayServer, gatewayClient, authServer, authClient, smsServer } = requestChain;

describe('hopsOf and formatHops', () => {
  it('orders server spans by start, callers first, and renders the path', () => {
    const hops = hopsOf([smsServer, authClient, authServer, gatewayClient, gatewayServer]);
    expect(hops.map((hop) => hop.instanceId)).toEqual(['gateway#1', 'auth#1', 'sms#1']);
    expect(formatHops(hops)).toBe('gateway#1 → auth#1 @127.0.3.1 → sms#1 @127.0.4.1  12.3 ms');
  });

  it('says which client a service-token request was for', () => {
    const tokenHop = { ...authServer, name: 'POST /auth/oauth/token', attributes: { ...authServer.attributes, client: 'gateway#1' } };
    const hops = hopsOf([tokenHop, gatewayClient, gatewayServer]);
    expect(formatHops(hops)).toBe('gateway#1 → auth#1 @127.0.3.1 (service token for gateway#1)  12.3 ms');
  });

  it('says where a service verified the gateway\'s identity assertion, or refused a request for want of one', () => {
    const verified = { ...authServer, attributes: { ...authServer.attributes, identity: 'verified' } };
    expect(formatHops(hopsOf([verified, gatewayClient, gatewayServer]))).toBe('gateway#1 → auth#1 @127.0.3.1 (identity verified)  12.3 ms');
    const refused = { ...authServer, attributes: { ...authServer.attributes, identity: 'refused' } };
    expect(formatHops(hopsOf([refused]))).toBe('auth#1 (identity refused)  9.0 ms');
  });

  it('orders a callee after its caller when both start in the same millisecond', () => {
    const hops = hopsOf([smsServer, authClient, { ...authServer, start: 1002 }]);
    expect(hops.map((hop) => hop.instanceId)).toEqual(['auth#1', 'sms#1']);
    expect(formatHops([])).toBe('(no hops)');
  });

  it('notes a hop\'s token cache and leaves the duration out on request (the narration\'s form)', () => {
    const cached = { ...gatewayServer, attributes: { cache: 'hit' } };
    expect(formatHops(hopsOf([authServer, gatewayClient, cached]))).toBe('gateway#1 → auth#1 @127.0.3.1  12.3 ms');
    expect(formatHops(hopsOf([authServer, gatewayClient, cached]), { duration: false, cache: true })).toBe('gateway#1 (cache hit) → auth#1 @127.0.3.1');
    expect(formatHops([], { duration: false })).toBe('(no hops)');
  });
});
