// The layering the design states, read from the import graph with TypeScript's parser: the
// runtime reaches services only through their contract, the built-in scenarios use only the DSL,
// and the web dashboard loads no node-only runtime code.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** One import of a file: its specifier, and whether it loads code (not `import type`). */
interface ImportEdge {
  readonly file: string;
  readonly specifier: string;
  readonly loadsCode: boolean;
}

/** The `.ts`/`.tsx` files under `dir` (no dist, no node_modules). */
function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

/** Static imports, re-exports and `import()` calls of one file. */
function importsOf(file: string): ImportEdge[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const edges: ImportEdge[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      edges.push({ file, specifier: node.moduleSpecifier.text, loadsCode: !isTypeOnly(node) });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      edges.push({ file, specifier: node.arguments[0].text, loadsCode: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

// `import type { A }` and `import { type A, type B }` load nothing at run time.
function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) return node.isTypeOnly || (node.exportClause !== undefined && ts.isNamedExports(node.exportClause) && node.exportClause.elements.length > 0 && node.exportClause.elements.every((element) => element.isTypeOnly));
  const clause = node.importClause;
  if (!clause) return false;
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return clause.name === undefined && bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((element) => element.isTypeOnly);
}

const describeEdge = (edge: ImportEdge): string => `${relative(root, edge.file)} → ${edge.specifier}`;

describe('layering', () => {
  it('the runtime imports services only through @topolab/services/contract', () => {
    const runtimeSrc = join(root, 'packages/runtime/src');
    const services = join(root, 'packages/services');
    const offending = sourceFiles(runtimeSrc)
      .flatMap(importsOf)
      .filter((edge) => {
        if (edge.specifier.startsWith('@topolab/services')) return edge.specifier !== '@topolab/services/contract';
        return edge.specifier.startsWith('.') && resolve(dirname(edge.file), edge.specifier).startsWith(services);
      });
    expect(offending.map(describeEdge)).toEqual([]);
  });

  it('the built-in scenarios import only the DSL, node built-ins and their own support files', () => {
    const scenarios = join(root, 'scenarios');
    const offending = sourceFiles(scenarios)
      .flatMap(importsOf)
      .filter((edge) => {
        if (edge.specifier === '@topolab/runtime/dsl' || edge.specifier.startsWith('node:')) return false;
        if (edge.specifier === 'vitest' && edge.file.endsWith('.test.ts')) return false;
        return !(edge.specifier.startsWith('./') && resolve(dirname(edge.file), edge.specifier).startsWith(scenarios));
      });
    expect(offending.map(describeEdge)).toEqual([]);
  });

  it('the web dashboard loads only browser-safe runtime entries, and those load no node-only code', () => {
    // The runtime's two browser entries, and the services' backoff helper (no imports) for the stream's reconnect.
    const browserSafe = ['@topolab/runtime/dashboard-protocol', '@topolab/runtime/trace-model', '@topolab/services/backoff'];
    const web = sourceFiles(join(root, 'packages/web/src')).filter((file) => !/\.test\.tsx?$/.test(file));
    const webEdges = web.flatMap(importsOf).filter((edge) => edge.loadsCode);
    const offending = webEdges.filter((edge) => edge.specifier.startsWith('node:') || (edge.specifier.startsWith('@topolab/') && !browserSafe.includes(edge.specifier)));

    // Every module the browser-safe entries load, followed through relative imports.
    const pending = browserSafe.flatMap((specifier) => {
      const [, name, subpath] = /^@topolab\/([^/]+)\/(.+)$/.exec(specifier)!;
      const exports = (JSON.parse(readFileSync(join(root, 'packages', name!, 'package.json'), 'utf8')) as { exports: Record<string, { default: string }> }).exports;
      const target = exports[`./${subpath}`]?.default;
      return target === undefined ? [] : [join(root, 'packages', name!, target.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'))];
    });
    const seen = new Set<string>();
    while (pending.length > 0) {
      const file = pending.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const edge of importsOf(file).filter((candidate) => candidate.loadsCode)) {
        if (edge.specifier.startsWith('.')) pending.push(resolve(dirname(file), edge.specifier).replace(/\.js$/, '.ts'));
        else if (edge.specifier.startsWith('node:') || edge.specifier.startsWith('@topolab/')) offending.push(edge);
      }
    }
    expect(seen.size).toBeGreaterThan(0);
    expect(offending.map(describeEdge)).toEqual([]);
  });
});
