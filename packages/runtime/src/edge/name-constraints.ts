import { isIP } from 'node:net';
import { edgeNames } from '@topolab/services/contract';

/**
 * What the topology's local CA may certify (RFC 5280 §4.2.1.10 permittedSubtrees): the zone and
 * every name under it (a dNSName constraint covers names with labels added on the left),
 * `localhost`, and loopback addresses. A verifier refuses a certificate it issued for any other
 * name, so the CA's key, if it leaks, cannot impersonate a real site.
 */
export const caPermittedNames = Object.freeze({
  dns: Object.freeze([edgeNames.zone, 'localhost']),
  ip: Object.freeze(['127.0.0.0/8', '::1/128']),
});

/** The Name Constraints extension's OID (id-ce 30). */
export const nameConstraintsOid = '2.5.29.30';

/**
 * DER of a NameConstraints value with only permittedSubtrees (RFC 5280 §4.2.1.10). Written out
 * here because @peculiar/x509 has no class for this extension and this fixed structure is five
 * tags deep; `openssl x509 -text` and `openssl verify` check the result in the tests.
 */
export function encodeNameConstraints(permitted: { readonly dns: readonly string[]; readonly ip: readonly string[] }): Buffer {
  const subtrees = [
    ...permitted.dns.map((name) => der(0x30, der(0x82, Buffer.from(name, 'ascii')))), // dNSName [2] IA5String
    ...permitted.ip.map((cidr) => der(0x30, der(0x87, subnetBytes(cidr)))), // iPAddress [7]: address, then mask
  ];
  return der(0x30, der(0xa0, ...subtrees)); // NameConstraints ::= SEQUENCE { permittedSubtrees [0] GeneralSubtrees }
}

/**
 * The whole extension as it appears in a certificate (OID, critical TRUE, the value): a CA is
 * constrained as this code wants exactly when its DER contains these bytes.
 */
export function nameConstraintsExtensionDer(permitted = caPermittedNames): Buffer {
  const oid = Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x1e]);
  return der(0x30, oid, Buffer.from([0x01, 0x01, 0xff]), der(0x04, encodeNameConstraints(permitted)));
}

function der(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const n = body.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), body]);
}

/** `127.0.0.0/8` → the address's bytes followed by the mask's (RFC 5280: 8 octets for IPv4, 32 for IPv6). */
function subnetBytes(cidr: string): Buffer {
  const [address = '', bits = ''] = cidr.split('/');
  const family = isIP(address);
  const size = family === 4 ? 4 : 16;
  const prefix = /^\d{1,3}$/.test(bits) ? Number(bits) : Number.NaN;
  if (family === 0 || (family === 6 && address.includes('.')) || !(prefix <= size * 8)) throw new Error(`Expected an IP subnet such as 127.0.0.0/8, got ${cidr}`);
  const mask = Array.from({ length: size }, (_, i) => (0xff00 >> Math.min(8, Math.max(0, prefix - i * 8))) & 0xff);
  return Buffer.from([...(family === 4 ? address.split('.').map(Number) : ipv6Bytes(address)), ...mask]);
}

function ipv6Bytes(address: string): number[] {
  const [head = '', tail] = address.split('::');
  const groups = (part: string) => (part ? part.split(':').map((group) => Number.parseInt(group, 16)) : []);
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  return all.flatMap((group) => [group >> 8, group & 0xff]);
}
