import { existsSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join } from 'node:path';

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};

/** The page's own code only; React sets inline styles, cytoscape draws on a canvas. */
export const dashboardSecurityHeaders: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
});

/** The built web dashboard (packages/web/dist), served under `/dashboard/`. */
export interface DashboardAssets {
  /** Whether the build is there. */
  readonly available: boolean;
  /** Answers `path` (`/dashboard/`, `/dashboard/assets/index-3f2a.js`); false when no such file. */
  serve(path: string, res: ServerResponse): boolean;
}

// Vite names its output `assets/<name>-<hash>.<ext>`: one flat folder, no `..` possible.
const assetPath = /^\/dashboard\/(assets\/[A-Za-z0-9._-]+|[A-Za-z0-9._-]+\.(?:svg|png|ico))$/;

/** Serves the files of `dir`, read once each; hashed assets are cached by the browser for good. */
export function createDashboardAssets(dir: string | undefined): DashboardAssets {
  const cache = new Map<string, Buffer>();
  const available = dir !== undefined && existsSync(join(dir, 'index.html'));
  const read = (file: string): Buffer | undefined => {
    let body = cache.get(file);
    if (body) return body;
    const path = join(dir!, file);
    if (!existsSync(path)) return undefined;
    body = readFileSync(path);
    cache.set(file, body);
    return body;
  };
  return {
    available,
    serve(path, res) {
      if (!available) return false;
      const file = path === '/dashboard/' || path === '/dashboard/index.html' ? 'index.html' : assetPath.exec(path)?.[1];
      if (file === undefined) return false;
      const body = read(file);
      if (!body) return false;
      res.writeHead(200, {
        'content-type': contentTypes[extname(file)] ?? 'application/octet-stream',
        'content-length': body.length,
        'cache-control': file.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-store',
        ...dashboardSecurityHeaders,
      });
      res.end(body);
      return true;
    },
  };
}
