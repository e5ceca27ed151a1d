import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { serviceErrorTables } from '@topolab/services/errors';
import { runtimeErrorCodes } from '../src/errors/error-codes.js';

// docs/errors.md is one table of codes: each must mean one thing, and each must be raised
// somewhere, or the page documents an error no one can meet.

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Every non-test source file of the packages and the scenarios. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sources(path);
    return /\.(ts|tsx)$/.test(entry.name) && !/\.test\.tsx?$|^testing\.ts$/.test(entry.name) ? [path] : [];
  });
}

const lines = [...readdirSync(join(root, 'packages')).flatMap((name) => sources(join(root, 'packages', name, 'src'))), ...sources(join(root, 'scenarios'))].flatMap((file) => readFileSync(file, 'utf8').split('\n'));
const serviceCodes = Object.values(serviceErrorTables).flatMap((table) => Object.keys(table));
const runtimeCodes = Object.keys(runtimeErrorCodes);

describe('error codes across topolab', () => {
  it('gives a code one table: no code of the CLI is also a service answer', () => {
    expect(runtimeCodes.filter((code) => serviceCodes.includes(code))).toEqual([]);
  });

  it.each([...new Set([...runtimeCodes, ...serviceCodes])])('raises %s somewhere outside its definition', (code) => {
    const word = new RegExp(`\\b${code}\\b`);
    const definition = new RegExp(`^\\s*${code}\\s*:`);
    expect(lines.filter((line) => word.test(line) && !definition.test(line)).length).toBeGreaterThan(0);
  });
});
