import type { ExportFile } from './export-files.js';

/**
 * A multi-stage Dockerfile on node:20-slim, built from the topolab checkout: the first stage
 * installs with pnpm (better-sqlite3 compiles, hence python3, make and g++) and runs the
 * build (tsc, the bundles); the second keeps only the services (their bundles and
 * node_modules) and runs as the unprivileged `node` user. `Dockerfile.dockerignore` keeps
 * local builds, data and node_modules out of the context (BuildKit reads it beside the file).
 */
export function renderDockerfile(): ExportFile[] {
  const dockerfile = `# syntax=docker/dockerfile:1
# Build from the root of a topolab checkout:  docker build -f <this folder>/Dockerfile -t topolab:local .
FROM node:20-slim AS build
RUN apt-get update \\
 && apt-get install -y --no-install-recommends python3 make g++ \\
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN npx --yes pnpm@10 install --frozen-lockfile \\
 && npx --yes pnpm@10 build

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages/services ./packages/services
# Databases live here (a volume in Compose, an emptyDir in Kubernetes); the image gives it to node.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3001-3016 8080
CMD ["node", "packages/services/bundle/registry.mjs"]
`;
  const ignore = ['**/node_modules', '**/dist', 'packages/services/bundle', 'packages/cli/bundle', '.topolab', 'test-results', '.git', '**/*.log', ''].join('\n');
  return [
    { path: 'Dockerfile', content: dockerfile },
    { path: 'Dockerfile.dockerignore', content: ignore },
  ];
}
