import type { DiscoveryModeName } from '@topolab/services/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStalledUploadWave, type StalledUpload } from '../src/bench/index.js';
import { createEventLog, signUp, startRealTopology, type RealTopology, type SignedUpUser } from './real-topology.js';

// Issue 24 (abuse limits), RFC 9110 §15.5.9 (408 Request Timeout), nginx `client_body_timeout`
// and `max_fails`: clients that stop sending their bodies get 408 after the idle time (3 s with
// the compressed timings), and since that is their own doing it never counts against auth#1 or
// mail#1. Before, each ended in 504 after the 5 s upstream timeout, was counted as the
// instance's failure, and the ejection cost another user 31–68 requests per wave of ten.

const KiB = 1024;

describe.each<DiscoveryModeName>(['client', 'server'])('stalled uploads with --discovery %s', (discovery) => {
  let real: RealTopology;
  let stalling: SignedUpUser;
  let other: SignedUpUser;
  const events = createEventLog();
  beforeAll(async () => {
    real = await startRealTopology({ prefix: `stall-${discovery}`, modes: { discovery }, onEvent: events.listener });
    stalling = await signUp(real.topology, real.gateway);
    other = await signUp(real.topology, real.gateway);
  });
  afterAll(() => real?.stop());

  // Half anonymous registrations stopped at 256 KiB (under the 1 MiB limit), half signed-in mail stopped at 1 MiB (limit 10 MiB).
  const uploadsOf = (count: number): StalledUpload[] =>
    Array.from({ length: count }, (_, i) => (i % 2 === 0 ? { path: '/auth/register', bytes: 256 * KiB } : { path: '/mail/send', bytes: 1024 * KiB, token: stalling.accessToken }));

  it.each([5, 10])('answers each of %i stalled uploads 408, fails none of another user\'s requests meanwhile, and ejects no instance', async (count) => {
    const since = events.mark();
    const wave = await runStalledUploadWave({
      baseUrl: real.topology.gatewayUrl,
      uploads: uploadsOf(count),
      other: {
        gateway: real.gateway,
        requests: [
          { method: 'GET', path: '/auth/me', token: other.accessToken },
          { method: 'GET', path: '/mail/mailboxes/inbox', token: other.accessToken },
        ],
      },
    });
    // Through the lb the gateway's own timer fires first as a rule (it saw each chunk first); either proxy's 408 is the client's.
    const codes = discovery === 'client' ? ['GATEWAY_BODY_TIMEOUT'] : ['GATEWAY_BODY_TIMEOUT', 'LB_BODY_TIMEOUT'];
    for (const stalled of wave.stalled) {
      expect(stalled.status).toBe(408);
      expect(codes).toContain(stalled.code);
      // RFC 9110 §15.5.9: the server closes the connection (the rest of the body will not come).
      expect(stalled.serverClosed).toBe(true);
    }
    expect(wave.otherRequests).toBeGreaterThan(0);
    expect(wave.otherFailures).toEqual([]);
    // Passive health (the gateway's, and the lb's with --discovery server) skipped nothing.
    expect(events.named('discovery.skipped', since)).toEqual([]);
    const after = await real.gateway.request({ method: 'GET', path: '/mail/mailboxes/inbox', token: other.accessToken });
    expect(after.status).toBe(200);
  });
});
