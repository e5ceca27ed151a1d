import { isIP } from 'node:net';
import { z } from 'zod';
import { maxRouteBodyLimit } from '../contract/registry-api.js';

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
  prefix: z
    .string()
    .max(256)
    .superRefine((prefix, ctx) => {
      const problem = checkPrefix(prefix);
      if (problem) ctx.addIssue({ code: 'custom', message: `route prefix ${problem}` });
    }),
  access: z.enum(['public', 'protected', 'internal']),
  bodyLimit: z.number().int().min(1).max(maxRouteBodyLimit).optional(),
});

/** A host name as RFC 1123 §2.1 allows: dot-separated labels of letters, digits and inner hyphens, 63 chars each, 253 in all. */
export function isHostName(host: string): boolean {
  return host.length <= 253 && host.split('.').every((label) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
}

/** Body of `POST /v1/instances` (the contract's RegisterRequest). */
export const registerRequestSchema = z.object({
  service: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'service names are lowercase letters, digits and -, at most 32'),
  instanceId: z.string().min(1).max(64),
  // A container registers the name others reach it by (`profile-1`), as a Eureka client its hostname.
  host: z.string().refine((host) => isIP(host) !== 0 || isHostName(host), 'host must be an IPv4 or IPv6 literal or a host name (RFC 1123)'),
  port: z.number().int().min(1).max(65535),
  routes: z
    .array(routeSpecSchema)
    .max(64)
    .superRefine((routes, ctx) => {
      const seen = new Set<string>();
      routes.forEach((route, index) => {
        if (seen.has(route.prefix)) ctx.addIssue({ code: 'custom', path: [index, 'prefix'], message: 'route prefix is listed twice' });
        seen.add(route.prefix);
      });
    }),
  pid: z.number().int().positive().optional(),
});

/** A validated registration. */
export type RegisterBody = z.output<typeof registerRequestSchema>;
