import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isScenario } from '@topolab/runtime/dsl';
import { describe, expect, it } from 'vitest';

const suiteDir = fileURLToPath(new URL('.', import.meta.url));
const files = readdirSync(suiteDir).filter((name) => name.endsWith('.scenario.ts'));

describe('the built-in suite', () => {
  it('has the scenarios docs/scenarios.md promises', () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
  });

  it.each(files)('%s exports a scenario named after its file, with a summary', async (file) => {
    const module = (await import(pathToFileURL(`${suiteDir}${file}`).href)) as { default?: unknown };
    expect(isScenario(module.default)).toBe(true);
    const scenario = module.default as { name: string; summary: string };
    expect(scenario.name).toBe(file.replace(/\.scenario\.ts$/, ''));
    expect(scenario.summary.length).toBeGreaterThan(20);
  });
});
