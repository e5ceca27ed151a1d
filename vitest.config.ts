import { defineConfig } from 'vitest/config';

// Test lanes, classified by where a test sits and how its file is named (never by a list of files):
//
//   unit     `packages/*/src/**/*.test.ts(x)` and `scenarios/**/*.test.ts` beside the code they test:
//            no child process and no server beyond an in-process one on loopback (`pnpm test:unit`).
//   e2e      `packages/*/test/**/*.test.ts`, and any `*.e2e.test.ts` (also one beside its source):
//            tests that start real processes — the compiled services, redis-server, nginx, the CLI —
//            so `tsc -b` and the bundle run first (`pnpm test:e2e`).
//   browser  `*.browser.test.ts`: a real chromium driven by playwright-core (`pnpm test:browser`).
//   engine   `*.engine.test.ts`: the container engine lane, apart in vitest.engine.config.ts.
//
// A new test that spawns a process goes in `packages/*/test/` or is named `*.e2e.test.ts`.
const lanes = {
  e2e: '**/*.e2e.test.{ts,tsx}',
  browser: '**/*.browser.test.{ts,tsx}',
  engine: '**/*.engine.test.ts',
};

export default defineConfig({
  // What every lane shares (each project extends it).
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 2,
    env: { NO_COLOR: '1', FORCE_COLOR: '0' },
    setupFiles: ['./test-setup.ts'],
    // Polling waits in tests are `expect.poll` (in a test) or `vi.waitFor` (hooks, helpers): 2 s, every 10 ms.
    expect: { poll: { timeout: 2000, interval: 10 } },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // Added to the shared setup: spawning a process throws here.
          setupFiles: ['./test-support/no-processes.ts'],
          // A worker runs its files one after another in one module graph instead of a fresh
          // process and graph per file: the lane's ~230 files import the same services, and
          // importing them again per file was most of the lane's CPU. A file that mocks a module
          // starts with vi.resetModules() (vi.hoisted), so the mock reaches what it imports.
          isolate: false,
          include: ['packages/*/src/**/*.test.{ts,tsx}', 'scenarios/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**', lanes.e2e, lanes.browser, lanes.engine],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['packages/*/test/**/*.test.{ts,tsx}', `packages/*/src/${lanes.e2e}`, `scenarios/${lanes.e2e}`],
          exclude: ['**/node_modules/**', '**/dist/**', lanes.browser, lanes.engine],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: [`packages/*/{src,test}/${lanes.browser}`],
          exclude: ['**/node_modules/**', '**/dist/**', lanes.engine],
        },
      },
    ],
  },
});
