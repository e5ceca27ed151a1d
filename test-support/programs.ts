/**
 * Whether a test that needs a real program (redis-server, nginx, chromium …) must fail when it
 * is missing instead of being skipped: `TOPOLAB_REQUIRE_BACKENDS=1`, which `.ci/run` sets after
 * installing them. A switch of the test lanes only: production code takes `--require-programs`.
 */
export function backendsRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.TOPOLAB_REQUIRE_BACKENDS === '1';
}

