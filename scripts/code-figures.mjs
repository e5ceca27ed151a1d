#!/usr/bin/env node
// Prints the codebase figures issue 26 tracks: non-test source files and lines, the longest
// functions, the runtime's exported names and the per-service branches left in the runtime.
// Usage: node scripts/code-figures.mjs [--json] [--top N]
// It reads the TypeScript sources with the compiler's own parser, so a function's length is
// the span of its node, not a guess from braces.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const json = args.includes('--json');
const topIndex = args.indexOf('--top');
const top = topIndex >= 0 ? Number(args[topIndex + 1]) : 10;

const SOURCE = /\.(ts|tsx|mjs)$/;
const TEST = /(\.test\.(ts|tsx)$)|(\.d\.ts$)/;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'bundle', 'test', 'test-support', 'fixtures', 'test-results']);

function walk(dir, into) {
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name) || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, into);
    else if (SOURCE.test(name) && !TEST.test(name) && !name.endsWith('.config.ts')) into.push(path);
  }
  return into;
}

const files = [...walk(join(root, 'packages'), []), ...walk(join(root, 'scenarios'), [])];
let lines = 0;
const functions = [];
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  lines += text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      functions.push({ name: functionName(node), file: relative(root, file), line: start + 1, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

function functionName(node) {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text;
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (parent && ts.isPropertyAssignment(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  return '(anonymous)';
}

functions.sort((a, b) => b.lines - a.lines);
const over60 = functions.filter((fn) => fn.lines > 60).length;

// The runtime's exported names, read from the compiled declarations' module symbol.
const indexPath = join(root, 'packages/runtime/src/index.ts');
const program = ts.createProgram([indexPath], {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  skipLibCheck: true,
  noEmit: true,
});
const checker = program.getTypeChecker();
const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(indexPath));
const exported = moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : [];
const values = exported.filter((symbol) => {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  return (target.flags & ts.SymbolFlags.Value) !== 0;
});

// Per-service branches in generic runtime code: `name === '<service>'` and the like.
const branchPattern = /\b(?:spec\.|service\.|entry\.)?name\s*[!=]==\s*'[a-z-]+'/g;
let nameBranches = 0;
for (const file of files.filter((path) => path.includes('/packages/runtime/src/'))) {
  nameBranches += (readFileSync(file, 'utf8').match(branchPattern) ?? []).length;
}

const figures = {
  files: files.length,
  lines,
  functionsOver60Lines: over60,
  longest: functions.slice(0, top).map(({ name, file, line, lines: length }) => ({ name, at: `${file}:${line}`, lines: length })),
  runtimeExports: { names: exported.length, values: values.length },
  runtimeNameBranches: nameBranches,
};

if (json) {
  console.log(JSON.stringify(figures, null, 2));
} else {
  console.log(`non-test source files   ${figures.files}`);
  console.log(`lines                   ${figures.lines}`);
  console.log(`functions over 60 lines ${figures.functionsOver60Lines}`);
  console.log(`runtime index exports   ${figures.runtimeExports.names} names, ${figures.runtimeExports.values} values`);
  console.log(`name === branches in runtime/src ${figures.runtimeNameBranches}`);
  console.log('longest functions:');
  for (const fn of figures.longest) console.log(`  ${String(fn.lines).padStart(4)}  ${fn.name}  ${fn.at}`);
}
