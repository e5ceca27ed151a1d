/** The topology's public names: the DNS zone the dns service serves and the names the gateway certificate covers. */
export const edgeNames = Object.freeze({
  /** The zone dns#1 is authoritative for. */
  zone: 'topolab.test',
  /** One A record per ready gateway. */
  www: 'www.topolab.test',
  /** DNS names in the gateway certificate (SAN); the runtime issues it, the gateway's redirect may name them. */
  certificateDns: Object.freeze(['localhost', 'www.topolab.test']),
  /**
   * IP addresses in the gateway certificate (SAN): loopback, and the address of every gateway
   * replica there can be (gateway #n listens on 127.0.2.n on Linux, n ≤ 9), so
   * `curl https://127.0.2.2:8443` verifies as well as the name does.
   */
  certificateIps: Object.freeze(['127.0.0.1', '::1', ...Array.from({ length: 9 }, (_, i) => `127.0.2.${i + 1}`)]),
});

/**
 * The EDNS(0) option (RFC 6891 §6.1.2; 65001–65534 are for local use, §9) in which topolab's
 * resolver sends the W3C `traceparent` of the request a lookup is for, so dns#1's span joins
 * that request's trace and the narration shows the lookup as its first hop.
 */
export const dnsTraceparentOption = 65001;
