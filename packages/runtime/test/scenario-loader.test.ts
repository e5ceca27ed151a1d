import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from './helpers.js';

// The loader registers real Node module hooks, which vitest's own module runner would bypass:
// it runs here in a child Node on the compiled runtime, exactly as `topolab run` uses it.
const runtimeDist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

interface LoadOutcome {
  readonly loaded?: { name: string; file: string; builtIn: boolean; summary: string }[];
  readonly error?: { code: string; message: string; hint?: string };
  readonly stderr: string;
}

/** Calls loadScenarios in a fresh Node process and returns what it loaded or the error it threw. */
function load(options: { builtInDir?: string; selectors?: string[]; cwd?: string }): LoadOutcome {
  const script = `
    const { loadScenarios } = await import(${JSON.stringify(pathToFileURL(runtimeDist).href)});
    try {
      const loaded = await loadScenarios(${JSON.stringify(options)});
      console.log(JSON.stringify({ loaded: loaded.map(({ scenario, file, builtIn }) => ({ name: scenario.name, summary: scenario.summary, file, builtIn })) }));
    } catch (error) {
      console.log(JSON.stringify({ error: { code: error.code, message: error.message, hint: error.hint } }));
    }`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  expect(child.status, child.stderr).toBe(0);
  return { ...(JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Omit<LoadOutcome, 'stderr'>), stderr: child.stderr };
}

const tsScenario = `
import { defineScenario, type ScenarioContext } from 'topolab';
import { greeting } from './helper.js';

interface Shape { readonly label: string }
const shape: Shape = { label: greeting('ts') };

export default defineScenario({
  name: 'outside-ts',
  summary: shape.label,
  async run(ctx: ScenarioContext): Promise<void> {
    await ctx.step('nothing', () => undefined);
  },
});
`;

describe('loadScenarios', () => {
  it('loads a .ts scenario outside the repo that imports topolab and a .ts helper, with no warning', () => {
    const dir = makeTempDir('loader');
    expect(relative(repoRoot, dir).startsWith('..')).toBe(true);
    writeFileSync(join(dir, 'my.scenario.ts'), tsScenario);
    writeFileSync(join(dir, 'helper.ts'), 'export function greeting(who: string): string { return `hello from ${who}`; }\n');
    writeFileSync(join(dir, 'plain.scenario.mjs'), "import { defineScenario } from '@topolab/runtime';\nexport default defineScenario({ name: 'outside-mjs', summary: 'mjs', run: async () => {} });\n");
    const outcome = load({ selectors: ['./my.scenario.ts', join(dir, 'plain.scenario.mjs')], cwd: dir });
    expect(outcome.error).toBeUndefined();
    expect(outcome.loaded?.map((entry) => [entry.name, entry.summary, entry.builtIn])).toEqual([['outside-ts', 'hello from ts', false], ['outside-mjs', 'mjs', false]]);
    expect(outcome.stderr).toBe('');

    const whole = load({ selectors: [dir] });
    expect(whole.loaded?.map((entry) => entry.name).sort()).toEqual(['outside-mjs', 'outside-ts']);
  });

  it('finds built-ins by name, or all of them when no selector is given', () => {
    const dir = makeTempDir('builtins');
    for (const name of ['beta-story', 'alpha-story']) {
      writeFileSync(join(dir, `${name}.scenario.js`), `import { defineScenario } from '@topolab/runtime';\nexport default defineScenario({ name: '${name}', summary: '${name}', run: async () => {} });\n`);
    }
    writeFileSync(join(dir, 'support.js'), 'export const nothing = 1;\n');
    expect(load({ builtInDir: dir }).loaded?.map((entry) => [entry.name, entry.builtIn])).toEqual([['alpha-story', true], ['beta-story', true]]);
    expect(load({ builtInDir: dir, selectors: ['beta-story', 'beta-story'] }).loaded?.map((entry) => entry.name)).toEqual(['beta-story']);

    const unknown = load({ builtInDir: dir, selectors: ['alpha-stroy'] });
    expect(unknown.error?.code).toBe('SCENARIO_NOT_FOUND');
    expect(unknown.error?.message).toContain('alpha-story');
    expect(unknown.error?.hint).toContain('topolab scenarios');
    expect(load({ builtInDir: join(dir, 'missing') }).error?.code).toBe('SCENARIO_NOT_FOUND');
  });

  it('refuses a missing file (SCENARIO_NOT_FOUND) and a module that is not a scenario or does not compile (SCENARIO_INVALID)', () => {
    const dir = makeTempDir('invalid');
    mkdirSync(join(dir, 'empty'));
    writeFileSync(join(dir, 'no-default.scenario.ts'), 'export const scenario = { name: "x" };\n');
    writeFileSync(join(dir, 'plain-object.scenario.mjs'), 'export default { name: "x", summary: "y", run() {} };\n');
    writeFileSync(join(dir, 'broken.scenario.ts'), 'export default defineScenario({ name: \n');
    writeFileSync(join(dir, 'bad-name.scenario.ts'), "import { defineScenario } from 'topolab';\nexport default defineScenario({ name: 'Not Kebab', summary: 's', run: async () => {} });\n");
    expect(load({ selectors: [join(dir, 'nope.scenario.ts')] }).error?.code).toBe('SCENARIO_NOT_FOUND');
    expect(load({ selectors: [join(dir, 'empty')] }).error?.code).toBe('SCENARIO_NOT_FOUND');
    for (const file of ['no-default.scenario.ts', 'plain-object.scenario.mjs', 'broken.scenario.ts', 'bad-name.scenario.ts']) {
      const outcome = load({ selectors: [join(dir, file)] });
      expect(outcome.error?.code, file).toBe('SCENARIO_INVALID');
      expect(outcome.error?.message, file).toContain(file);
    }
    expect(load({ selectors: [join(dir, 'bad-name.scenario.ts')] }).error?.message).toContain('kebab-case');
  });
});
