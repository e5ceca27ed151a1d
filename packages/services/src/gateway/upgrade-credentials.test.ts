import { describe, expect, it } from 'vitest';
import { readUpgradeCredentials } from './upgrade-credentials.js';

describe('readUpgradeCredentials', () => {
  it('prefers Authorization and still drops a bearer pair from the subprotocols', () => {
    expect(readUpgradeCredentials({ authorization: 'Bearer a.b.c', 'sec-websocket-protocol': 'bearer, x.y.z, chat.v1' })).toEqual({ authorization: 'Bearer a.b.c', viaSubprotocol: true, subprotocols: 'chat.v1' });
  });

  it('reads the token after bearer, wherever the pair is', () => {
    expect(readUpgradeCredentials({ 'sec-websocket-protocol': 'chat.v1, Bearer,a.b.c' })).toEqual({ authorization: 'Bearer a.b.c', viaSubprotocol: true, subprotocols: 'chat.v1' });
    expect(readUpgradeCredentials({ 'sec-websocket-protocol': 'bearer, a.b.c' })).toEqual({ authorization: 'Bearer a.b.c', viaSubprotocol: true, subprotocols: undefined });
  });

  it('finds nothing without either, and a lone bearer gives no token', () => {
    expect(readUpgradeCredentials({})).toEqual({ authorization: undefined, viaSubprotocol: false, subprotocols: undefined });
    expect(readUpgradeCredentials({ 'sec-websocket-protocol': 'chat.v1' })).toEqual({ authorization: undefined, viaSubprotocol: false, subprotocols: 'chat.v1' });
    expect(readUpgradeCredentials({ 'sec-websocket-protocol': 'bearer' })).toEqual({ authorization: undefined, viaSubprotocol: true, subprotocols: undefined });
  });
});
