// The runtime's index is a curated front door: named exports only, at most 80 values, each under
// a doc comment. Everything else is reached through an area (`@topolab/runtime/topology`, …).
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const indexFile = new URL('./index.ts', import.meta.url);
const text = readFileSync(indexFile, 'utf8');
const source = ts.createSourceFile('index.ts', text, ts.ScriptTarget.Latest, true);
const exportsOfIndex = source.statements.filter(ts.isExportDeclaration);

/** The value names an export declaration adds (not `export type`, not `type X` elements). */
function valueNames(declaration: ts.ExportDeclaration): string[] {
  if (declaration.isTypeOnly || !declaration.exportClause || !ts.isNamedExports(declaration.exportClause)) return [];
  return declaration.exportClause.elements.filter((element) => !element.isTypeOnly).map((element) => element.name.text);
}

describe('the runtime index', () => {
  it('names what it exports (no `export *`)', () => {
    const star = exportsOfIndex.filter((declaration) => declaration.exportClause === undefined);
    expect(star.map((declaration) => declaration.getText(source))).toEqual([]);
  });

  it('exports at most 80 values', () => {
    expect(exportsOfIndex.flatMap(valueNames).length).toBeLessThanOrEqual(80);
  });

  it('puts a doc comment above every value it exports', () => {
    const undocumented = exportsOfIndex
      .filter((declaration) => valueNames(declaration).length > 0)
      .filter((declaration) => !(ts.getLeadingCommentRanges(text, declaration.getFullStart()) ?? []).some((range) => text.startsWith('/**', range.pos)))
      .map((declaration) => valueNames(declaration).join(', '));
    expect(undocumented).toEqual([]);
  });
});
