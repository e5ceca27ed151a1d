import { existsSync, readdirSync, statSync } from 'node:fs';
import { register } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runtimeError } from '../errors/error-codes.js';
import { isScenario, type Scenario } from './dsl.js';
import { closestName } from './closest-name.js';
import type { TsHooksData } from './ts-hooks.js';

/** A scenario and the file it came from. */
export interface LoadedScenario {
  readonly scenario: Scenario;
  /** Absolute path. */
  readonly file: string;
  /** Whether it is one of the suite's compiled scenarios. */
  readonly builtIn: boolean;
}

/** Options of loadScenarios. */
export interface LoadScenariosOptions {
  /** The directory of the compiled suite (`*.scenario.js`); absent or missing means no built-ins. */
  readonly builtInDir?: string;
  /** Built-in names, or paths of `.ts`, `.js`, `.mjs` files or of directories holding `*.scenario.*` files. @default every built-in */
  readonly selectors?: readonly string[];
  /** Where relative paths start. @default process.cwd() */
  readonly cwd?: string;
}

const scenarioFile = /\.scenario\.(m?js|m?ts)$/;
const loadableFile = /\.(c|m)?(j|t)s$/;
let hooksRegistered = false;

/**
 * Registers the module hooks once per process, so a scenario file anywhere can
 * `import { defineScenario } from 'topolab'` and may be TypeScript.
 */
export function registerScenarioHooks(): void {
  if (hooksRegistered) return;
  hooksRegistered = true;
  const data: TsHooksData = { runtimeUrl: new URL('../index.js', import.meta.url).href, dslUrl: new URL('../dsl.js', import.meta.url).href };
  register(new URL('./ts-hooks.js', import.meta.url), { data });
  // Stacks of failed steps point into the .ts source (the hooks emit inline source maps).
  process.setSourceMapsEnabled(true);
}

/** Imports one file and checks that its default export is a scenario (SCENARIO_INVALID otherwise). */
export async function loadScenarioFile(file: string, builtIn = false): Promise<LoadedScenario> {
  registerScenarioHooks();
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (error) {
    throw runtimeError('SCENARIO_INVALID', { message: `${file} did not load: ${(error as Error)?.message ?? String(error)}`, cause: error, details: { file } });
  }
  if (!isScenario(module.default)) {
    throw runtimeError('SCENARIO_INVALID', { message: `${file} does not export a scenario as its default export.`, details: { file } });
  }
  return { scenario: module.default, file, builtIn };
}

/** The files of a directory that hold scenarios (`*.scenario.js`, `.mjs`, `.ts`, `.mts`), by name. */
function scenarioFilesIn(dir: string, builtIn: boolean): string[] {
  return readdirSync(dir)
    .filter((name) => (builtIn ? name.endsWith('.scenario.js') : scenarioFile.test(name)))
    .sort()
    .map((name) => resolve(dir, name));
}

/** Every compiled scenario of the suite, by name; none when the directory does not exist (not built yet). */
export async function listBuiltInScenarios(builtInDir: string | undefined): Promise<LoadedScenario[]> {
  if (builtInDir === undefined || !existsSync(builtInDir)) return [];
  const loaded = await Promise.all(scenarioFilesIn(builtInDir, true).map((file) => loadScenarioFile(file, true)));
  return loaded.sort((a, b) => a.scenario.name.localeCompare(b.scenario.name));
}

/** Whether a selector names a file or directory rather than a built-in scenario. */
function isPathSelector(selector: string): boolean {
  return /[\\/]/.test(selector) || selector.startsWith('.') || loadableFile.test(selector);
}

/**
 * The scenarios `selectors` name, in their order (each file once): a built-in name, or a path
 * to a file or directory. No selector means every built-in. An unknown name or a missing path
 * is SCENARIO_NOT_FOUND; a file without a scenario as default export is SCENARIO_INVALID.
 */
export async function loadScenarios(options: LoadScenariosOptions = {}): Promise<LoadedScenario[]> {
  const cwd = options.cwd ?? process.cwd();
  const selectors = options.selectors ?? [];
  let builtIns: Promise<LoadedScenario[]> | undefined;
  const builtInList = () => (builtIns ??= listBuiltInScenarios(options.builtInDir));
  if (selectors.length === 0) {
    const all = await builtInList();
    if (all.length === 0) {
      throw runtimeError('SCENARIO_NOT_FOUND', { message: `No built-in scenarios were found${options.builtInDir ? ` in ${options.builtInDir}` : ''}.`, hint: 'Build the suite first (`npx tsc -b`), or give the path of a scenario file.' });
    }
    return all;
  }
  const chosen = new Map<string, LoadedScenario>();
  for (const selector of selectors) {
    if (isPathSelector(selector)) {
      const path = resolve(cwd, selector);
      if (!existsSync(path)) throw runtimeError('SCENARIO_NOT_FOUND', { message: `There is no scenario file ${path}.`, details: { selector } });
      const files = statSync(path).isDirectory() ? scenarioFilesIn(path, false) : [path];
      if (files.length === 0) throw runtimeError('SCENARIO_NOT_FOUND', { message: `${path} holds no *.scenario.ts, .js or .mjs file.`, details: { selector } });
      for (const file of files) if (!chosen.has(file)) chosen.set(file, await loadScenarioFile(file));
      continue;
    }
    const all = await builtInList();
    const found = all.find((loaded) => loaded.scenario.name === selector);
    if (!found) {
      const suggestion = closestName(selector, all.map((loaded) => loaded.scenario.name));
      throw runtimeError('SCENARIO_NOT_FOUND', {
        message: `No built-in scenario is called "${selector.slice(0, 60)}"${suggestion ? `; did you mean ${suggestion}?` : '.'}`,
        details: { selector },
      });
    }
    if (!chosen.has(found.file)) chosen.set(found.file, found);
  }
  return [...chosen.values()];
}
