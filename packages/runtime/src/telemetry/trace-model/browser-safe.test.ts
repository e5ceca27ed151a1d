import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The web dashboard bundles this folder for the browser: it may import only its own modules and types.
describe('the trace model is browser-safe', () => {
  const folder = new URL('./', import.meta.url);
  const sources = readdirSync(folder).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));

  it.each(sources)('%s imports only its own folder, or types', (name) => {
    const text = readFileSync(new URL(name, folder), 'utf8');
    const imports = [...text.matchAll(/^(?:import|export)(\s+type)?[^'"]*from\s+'([^']+)'/gm)].map(([, type, from]) => ({ type: type !== undefined, from: from! }));
    expect(imports.filter(({ type, from }) => !type && !from.startsWith('./'))).toEqual([]);
    expect(text).not.toMatch(/\bNodeJS\b|\bprocess\.|\bBuffer\b/);
  });
});
