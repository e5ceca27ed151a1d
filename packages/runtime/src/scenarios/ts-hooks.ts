// Node module hooks (registered by the scenario loader with `module.register`; they run on
// the loader thread): `topolab` and `@topolab/runtime/dsl` resolve to this runtime's DSL and
// `@topolab/runtime` to its index wherever a scenario file lives, and `.ts` files load by
// transpiling with TypeScript.
import { readFile } from 'node:fs/promises';
import type { InitializeHook, LoadHook, ResolveHook } from 'node:module';
import { fileURLToPath } from 'node:url';

/** What the loader passes to `initialize`. */
export interface TsHooksData {
  /** `file:///…/packages/runtime/dist/index.js`. */
  readonly runtimeUrl: string;
  /** `file:///…/packages/runtime/dist/dsl.js`. */
  readonly dslUrl: string;
}

const tsFile = /\.(c|m)?ts$/;
let runtimeUrls = new Map<string, string>();

/** Receives the runtime's URLs. */
export const initialize: InitializeHook<TsHooksData> = (data) => {
  runtimeUrls = new Map([
    ['topolab', data.dslUrl],
    ['@topolab/runtime/dsl', data.dslUrl],
    ['@topolab/runtime', data.runtimeUrl],
  ]);
};

/** `topolab` → the runtime's DSL; in a `.ts` file, `./helper.js` → `./helper.ts` when only that exists (TypeScript's convention). */
export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  const runtimeUrl = runtimeUrls.get(specifier);
  if (runtimeUrl !== undefined) return { url: runtimeUrl, format: 'module', shortCircuit: true };
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const fromTs = context.parentURL !== undefined && tsFile.test(context.parentURL);
    if (!fromTs || !/^\.{1,2}\//.test(specifier) || !/\.(c|m)?js$/.test(specifier)) throw error;
    return nextResolve(specifier.replace(/js$/, 'ts'), context);
  }
};

/** A `.ts` file becomes an ES module: types stripped by `transpileModule` (ESNext, ES2022), with an inline source map. */
export const load: LoadHook = async (url, context, nextLoad) => {
  if (!url.startsWith('file:') || !tsFile.test(new URL(url).pathname)) return nextLoad(url, context);
  const fileName = fileURLToPath(url);
  const source = await readFile(fileName, 'utf8');
  // Loaded only when a .ts file is: plain .js scenarios never pay for TypeScript.
  const { default: ts } = await import('typescript');
  const output = ts.transpileModule(source, {
    fileName,
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      inlineSourceMap: true,
      inlineSources: true,
      useDefineForClassFields: true,
    },
  });
  const problem = output.diagnostics?.find((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error);
  if (problem) {
    const where = problem.file && problem.start !== undefined ? problem.file.getLineAndCharacterOfPosition(problem.start) : undefined;
    const position = where ? `:${where.line + 1}:${where.character + 1}` : '';
    throw new SyntaxError(`${fileName}${position}: ${ts.flattenDiagnosticMessageText(problem.messageText, '\n')}`);
  }
  return { format: 'module', source: output.outputText, shortCircuit: true };
};
