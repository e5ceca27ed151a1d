import type { ExportFile } from './export-files.js';

/** The user the image runs as: node:20-slim's `node`, by number, so Kubernetes' runAsNonRoot can check it. */
export const imageUser = { uid: 1000, gid: 1000 } as const;

/**
 * A multi-stage Dockerfile, built from the root of a topolab checkout.
 *
 * - `BUILD_IMAGE` (default `BASE_IMAGE`) installs the services and the build tools only
 *   (`--filter`), compiles the services (`tsc -b packages/services`, then their bundles), and
 *   `pnpm deploy --prod` copies their production dependencies alone into /out. python3, make
 *   and g++ are installed only when better-sqlite3 finds no prebuilt addon and must compile.
 * - `BASE_IMAGE` (default node:20-slim: Debian with Node 20 and a `node` user of uid 1000) gets
 *   /out and nothing else: no devDependencies, no sources, no compiler, no pnpm. It runs as
 *   uid 1000, with /data (the databases) its only writable folder.
 *
 * pnpm's store is `/pnpm-store`: empty in a plain build, or mounted by one that has a store to
 * share (`podman build --volume ~/.local/share/pnpm/store:/pnpm-store:O`: no download, and
 * better-sqlite3's addon comes from pnpm's side-effects cache instead of a compile).
 * `Dockerfile.dockerignore` keeps local builds, data and node_modules out of the context
 * (BuildKit reads it beside the file; `podman build --ignorefile` names it).
 */
export function renderDockerfile(): ExportFile[] {
  const { uid, gid } = imageUser;
  const dockerfile = `# syntax=docker/dockerfile:1
# topolab's services. Build from the root of a topolab checkout:
#   docker build -f <this folder>/Dockerfile -t topolab:local .
#   podman build -f <this folder>/Dockerfile --ignorefile <this folder>/Dockerfile.dockerignore -t topolab:local .
# BASE_IMAGE runs the services: Debian with Node >= 20.19 and a user of uid ${uid}.
# BUILD_IMAGE builds them (node and npm; python3, make and g++ are added if better-sqlite3 must compile).
ARG BASE_IMAGE=node:20-slim
ARG BUILD_IMAGE=\${BASE_IMAGE}

FROM \${BUILD_IMAGE} AS build
RUN if ! command -v pnpm >/dev/null; then npm install --global pnpm@10; fi
ENV npm_config_store_dir=/pnpm-store
WORKDIR /app
COPY . .
# The services and the build tools only. better-sqlite3 downloads its prebuilt addon, or takes it
# from pnpm's side-effects cache; when neither works it compiles, with python3, make and g++.
RUN pnpm install --frozen-lockfile --prefer-offline --filter topolab-workspace --filter @topolab/services \\
 || { apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/* \\
      && pnpm install --frozen-lockfile --prefer-offline --filter topolab-workspace --filter @topolab/services; }
# Then the services' bundles, and their production dependencies alone in /out.
RUN pnpm exec tsc -b packages/services \\
 && node scripts/bundle.mjs --services \\
 && pnpm --config.inject-workspace-packages=true --filter @topolab/services deploy --prod --offline /out \\
 && rm -rf /out/src /out/dist /out/tsconfig.json /out/pnpm-lock.yaml \\
 && cd /out/node_modules/.pnpm/better-sqlite3@*/node_modules/better-sqlite3 \\
 && rm -rf deps src build/deps build/Release/obj.target build/Release/.deps build/Release/test_extension.node

FROM \${BASE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /out ./packages/services
# Databases live here (a volume in Compose, an emptyDir in Kubernetes); the rest of the image is read-only to the services.
RUN mkdir -p /data && chown ${uid}:${gid} /data
USER ${uid}:${gid}
EXPOSE 3001-3016 8080
CMD ["node", "packages/services/bundle/registry.mjs"]
`;
  const ignore = ['**/node_modules', '**/dist', 'packages/services/bundle', 'packages/cli/bundle', 'bench', 'docs', '.topolab', 'test-results', '.git', '**/*.log', ''].join('\n');
  return [
    { path: 'Dockerfile', content: dockerfile },
    { path: 'Dockerfile.dockerignore', content: ignore },
  ];
}
