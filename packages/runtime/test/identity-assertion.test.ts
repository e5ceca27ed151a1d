import { describe, expect, it } from 'vitest';
// The kit does not export the verifier (services build it from their config); the test checks against the real one.
// It lives here, not beside topology-secrets.ts: the runtime's source imports services only through their contract.
import { createIdentityVerifier } from '../../services/src/kit/identity/identity-verifier.js';
import { prepareTopologySecrets } from '../src/topology/topology-secrets.js';
import { testDir } from '@topolab/test-support/files';

describe('topology secrets: identity assertions', () => {
  it('assertIdentity signs what a service\'s identity verifier accepts with the run\'s identity key, and no other run\'s', async () => {
    const dataDir = testDir('secrets');
    const secrets = prepareTopologySecrets(dataDir);
    const nowS = Math.floor(Date.now() / 1000);
    const assertion = await secrets.assertIdentity({ sub: 'alice', audience: 'profile', tokenJti: 'jti-1', tokenExp: nowS + 900 });
    const claims = await createIdentityVerifier({ publicKey: secrets.identityKey.publicJwk, audience: 'profile' }).verify(assertion);
    expect(claims).toMatchObject({ sub: 'alice', aud: 'profile', tokenJti: 'jti-1', tokenExp: nowS + 900 });
    expect(claims!.exp).toBeLessThanOrEqual(nowS + 61);
    const nextRun = prepareTopologySecrets(dataDir);
    expect(await createIdentityVerifier({ publicKey: nextRun.identityKey.publicJwk, audience: 'profile' }).verify(assertion)).toBeUndefined();
    expect(await createIdentityVerifier({ publicKey: secrets.authKey.publicJwk, audience: 'profile' }).verify(assertion)).toBeUndefined();
  });
});
