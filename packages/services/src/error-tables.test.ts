import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { serviceErrorTables } from './error-tables.js';

const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

describe('service error codes', () => {
  const entries = Object.entries(serviceErrorTables).flatMap(([area, table]) => Object.entries(table).map(([code, definition]) => ({ area, code, definition })));

  it.each(entries)('$code is listed in docs/errors.md', ({ code }) => {
    expect(doc).toContain(`\`${code}\``);
  });

  it.each(entries)('$code is AREA_REASON with a 4xx/5xx status and one-line message', ({ code, definition }) => {
    expect(code).toMatch(/^[A-Z]+(_[A-Z0-9]+)+$/);
    expect(definition.status).toBeGreaterThanOrEqual(400);
    expect(definition.status).toBeLessThan(600);
    expect(definition.message).not.toContain('\n');
  });

  it('gives each code one meaning across services', () => {
    const seen = new Map<string, number>();
    for (const { code, definition } of entries) {
      expect(seen.get(code) ?? definition.status).toBe(definition.status);
      seen.set(code, definition.status);
    }
  });
});
