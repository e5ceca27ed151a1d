import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { testDir } from '@topolab/test-support/files';

// The "Writing a scenario" example of docs/scenarios.md is the documentation authors copy: it
// must run, from a directory outside the repo, with nothing but the documented DSL.
const readme = readFileSync(new URL('../../../docs/scenarios.md', import.meta.url), 'utf8');

function readmeExample(): string {
  const section = readme.slice(readme.indexOf('## Writing a scenario'));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('docs/scenarios.md has no ```ts example under "Writing a scenario"');
  return match[1]!;
}

describe('the scenario example of docs/scenarios.md', () => {
  it('runs from outside the repo and is reported, with its steps and figure', async () => {
    const dir = testDir('author');
    const file = join(dir, 'coffee.scenario.ts');
    writeFileSync(file, readmeExample());
    const run = await runCli(['run', file, '--reporter', 'plain'], 120_000);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('✓ coffee-break');
    expect(run.stdout).toContain('profile#2 freezes; the registry evicts it after missed heartbeats');
    expect(run.stdout).toMatch(/eviction\s+\d+ ms/);
  });
});
