import { defineConfig } from 'vitest/config';

// Unit tests sit beside the source (`*.test.ts`); tests that start real processes live in
// `packages/*/test/` and run the compiled services, so `tsc -b` runs before vitest.
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.{ts,tsx}', 'packages/*/test/**/*.test.{ts,tsx}', 'scenarios/**/*.test.ts'],
    // The container engine lane runs apart: vitest.engine.config.ts.
    exclude: ['**/node_modules/**', '**/*.engine.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 2,
    env: { NO_COLOR: '1', FORCE_COLOR: '0' },
    setupFiles: ['./test-setup.ts'],
  },
});
