import { defineConfig } from 'vitest/config';

// The container engine lane: the export built and run by podman (packages/*/test/**/*.engine.test.ts).
// Apart from the other tests: it starts some thirty containers and loads both cores.
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.engine.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 900_000,
    pool: 'forks',
    maxWorkers: 1,
    env: { NO_COLOR: '1', FORCE_COLOR: '0' },
    setupFiles: ['./test-setup.ts'],
  },
});
