/** What the router needs of a route: its method and its pattern (`/v1/instances/:id`). */
export interface RouteShape {
  readonly method: string;
  readonly path: string;
}

/** The outcome of matching a method and path. */
export type RouteMatch<R extends RouteShape> =
  | { readonly kind: 'found'; readonly route: R; readonly params: Record<string, string> }
  | { readonly kind: 'wrong-method'; readonly allow: readonly string[] }
  | { readonly kind: 'none' };

interface CompiledRoute<R> {
  readonly route: R;
  readonly segments: readonly string[];
}

/**
 * Matches requests to routes by method and whole path segments: the one router of the
 * services' servers and the runtime's control API. A `HEAD` is served by the `GET` route; a
 * path served by other methods only is a `wrong-method` with the methods to list in `Allow`.
 */
export class HttpRouter<R extends RouteShape> {
  readonly #routes: CompiledRoute<R>[] = [];

  /** Adds routes; when two match, the first added wins. */
  add(...routes: R[]): this {
    for (const route of routes) this.#routes.push({ route, segments: splitPath(route.path) });
    return this;
  }

  /** Every route added, in order. */
  routes(): R[] {
    return this.#routes.map(({ route }) => route);
  }

  /** Finds the route for `method` and `path`. Parameter values are percent-decoded; a malformed escape matches nothing. */
  match(method: string, path: string): RouteMatch<R> {
    const segments = splitPath(path);
    const allow = new Set<string>();
    for (const { route, segments: pattern } of this.#routes) {
      const params = matchSegments(pattern, segments);
      if (!params) continue;
      if (route.method === method || (method === 'HEAD' && route.method === 'GET')) return { kind: 'found', route, params };
      allow.add(route.method);
    }
    return allow.size > 0 ? { kind: 'wrong-method', allow: [...allow] } : { kind: 'none' };
  }
}

/** The non-empty segments of a path (`/a//b/` → `a`, `b`). */
export function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment.length > 0);
}

function matchSegments(pattern: readonly string[], actual: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i]!;
    const value = actual[i]!;
    if (expected.startsWith(':')) {
      try {
        params[expected.slice(1)] = decodeURIComponent(value);
      } catch {
        return undefined;
      }
    } else if (expected !== value) {
      return undefined;
    }
  }
  return params;
}
