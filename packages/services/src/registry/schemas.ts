import { isIP } from 'node:net';
import { maxRouteBodyLimit } from '../contract/registry-api.js';
import * as z from '../kit/zod.js';

// RFC 3986 path characters without `%`: a prefix never needs an encoded byte, and refusing
// them keeps encoded dot segments (`%2e%2e`) out of the route table.
const prefixChars = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/]+$/;

/** Why a route prefix is refused, or undefined when it is acceptable. */
export function checkPrefix(prefix: string): string | undefined {
  if (!prefix.startsWith('/')) return 'must start with /';
  if (prefix === '/') return undefined;
  if (!prefixChars.test(prefix)) return 'may hold only unreserved path characters';
  if (prefix.includes('//')) return 'must not contain //';
  if (prefix.endsWith('/')) return 'must not end with /';
  const segments = prefix.slice(1).split('/');
  if (segments.some((segment) => segment === '.' || segment === '..')) return 'must not contain . or .. segments';
  return undefined;
}

/** A route a service serves: a normalised path prefix and who may call it. */
export const routeSpecSchema = z.object({
  prefix: z.string().check(
    z.maxLength(256),
    z.superRefine((prefix: string, ctx) => {
      const problem = checkPrefix(prefix);
      if (problem) ctx.addIssue({ code: 'custom', message: `route prefix ${problem}` });
    }),
  ),
  access: z.enum(['public', 'protected', 'internal']),
  bodyLimit: z.optional(z.number().check(z.int(), z.gte(1), z.lte(maxRouteBodyLimit))),
});

/** A host name as RFC 1123 §2.1 allows: dot-separated labels of letters, digits and inner hyphens, 63 chars each, 253 in all. */
export function isHostName(host: string): boolean {
  return host.length <= 253 && host.split('.').every((label) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
}

/** Body of `POST /v1/instances` (the contract's RegisterRequest). */
export const registerRequestSchema = z.object({
  service: z.string().check(z.regex(/^[a-z][a-z0-9-]{0,31}$/, 'service names are lowercase letters, digits and -, at most 32')),
  instanceId: z.string().check(z.minLength(1), z.maxLength(64)),
  // A container registers the name others reach it by (`profile-1`), as a Eureka client its hostname.
  host: z.string().check(z.refine((host) => isIP(host) !== 0 || isHostName(host), 'host must be an IPv4 or IPv6 literal or a host name (RFC 1123)')),
  port: z.number().check(z.int(), z.gte(1), z.lte(65535)),
  routes: z.array(routeSpecSchema).check(
    z.maxLength(64),
    z.superRefine((routes: z.output<typeof routeSpecSchema>[], ctx) => {
      const seen = new Set<string>();
      routes.forEach((route, index) => {
        if (seen.has(route.prefix)) ctx.addIssue({ code: 'custom', path: [index, 'prefix'], message: 'route prefix is listed twice' });
        seen.add(route.prefix);
      });
    }),
  ),
  pid: z.optional(z.number().check(z.int(), z.positive())),
});

/** A validated registration. */
export type RegisterBody = z.output<typeof registerRequestSchema>;
