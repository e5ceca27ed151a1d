import type { RouteEntry } from '../../contract/registry-api.js';

/** Whether `prefix` covers `path` on a segment boundary (`/auth/login` covers `/auth/login/verify`, not `/auth/loginx`). */
export function prefixCovers(prefix: string, path: string): boolean {
  if (prefix === '/') return true;
  return path === prefix || (path.startsWith(prefix) && path.charCodeAt(prefix.length) === 47 /* / */);
}

/** The longest route prefix covering `path`. */
export function matchRoute(routes: readonly RouteEntry[], path: string): RouteEntry | undefined {
  let best: RouteEntry | undefined;
  for (const route of routes) {
    if (prefixCovers(route.prefix, path) && (!best || route.prefix.length > best.prefix.length)) best = route;
  }
  return best;
}
