import { describe, expect, it } from 'vitest';
import { caPermittedNames, encodeNameConstraints, nameConstraintsExtensionDer } from './name-constraints.js';

describe('encodeNameConstraints (RFC 5280 §4.2.1.10)', () => {
  it('encodes the CA\'s permitted subtrees byte for byte as @peculiar/asn1-x509 2.11.1 does', () => {
    // AsnConvert.serialize(new NameConstraints({ permittedSubtrees: … })) of the same four names, by that library.
    const byLibrary =
      '304fa04d300e820c746f706f6c61622e74657374300b82096c6f63616c686f7374300a87087f000000ff000000' +
      '3022872000000000000000000000000000000001ffffffffffffffffffffffffffffffff';
    expect(encodeNameConstraints(caPermittedNames).toString('hex')).toBe(byLibrary);
  });

  it('wraps it as a critical extension with OID 2.5.29.30', () => {
    const extension = nameConstraintsExtensionDer();
    expect(extension.subarray(0, 10).toString('hex')).toBe('305b0603551d1e0101ff');
    expect(extension.subarray(10, 12).toString('hex')).toBe('0451');
  });

  it('encodes masks of any prefix length, long forms of lengths, and refuses what is not a subnet', () => {
    expect(encodeNameConstraints({ dns: [], ip: ['10.1.0.0/20'] }).toString('hex')).toBe('300ea00c300a87080a010000fffff000');
    expect(encodeNameConstraints({ dns: ['a'.repeat(200)], ip: [] }).subarray(0, 3).toString('hex')).toBe('3081d1');
    for (const bad of ['127.0.0.1', '127.0.0.0/33', '127.0.0.0/', '127.0.0.0/x', 'localhost/8', '::1/129', '::ffff:127.0.0.1/128']) expect(() => encodeNameConstraints({ dns: [], ip: [bad] }), bad).toThrow(/Expected an IP subnet/);
  });
});
