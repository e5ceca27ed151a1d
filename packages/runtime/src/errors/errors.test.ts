import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runtimeError, runtimeErrorCodes, toTopolabError } from './error-codes.js';
import { TopolabError } from './topolab-error.js';

const docPath = fileURLToPath(new URL('../../../../docs/errors.md', import.meta.url));

describe('runtime error codes', () => {
  it('are all AREA_REASON in upper snake case', () => {
    for (const code of Object.keys(runtimeErrorCodes)) expect(code).toMatch(/^[A-Z]+(_[A-Z0-9]+)*$/);
  });

  it('are each listed in docs/errors.md', () => {
    expect(existsSync(docPath), `${docPath} should exist`).toBe(true);
    const doc = readFileSync(docPath, 'utf8');
    const missing = Object.keys(runtimeErrorCodes).filter((code) => !new RegExp(`\\b${code}\\b`).test(doc));
    expect(missing).toEqual([]);
  });

  it('carry the exit code and hint of the table', () => {
    const error = runtimeError('TOPOLOGY_PORT_IN_USE', { details: { port: 8080 } });
    expect(error).toBeInstanceOf(TopolabError);
    expect(error.code).toBe('TOPOLOGY_PORT_IN_USE');
    expect(error.exitCode).toBe(3);
    expect(error.hint).toContain('--port');
    expect(runtimeError('TOPOLOGY_INVALID_REPLICAS').exitCode).toBe(2);
  });

  it('wrap unknown errors as INTERNAL and keep the cause', () => {
    const cause = new Error('boom');
    const error = toTopolabError(cause);
    expect(error.code).toBe('INTERNAL');
    expect(error.cause).toBe(cause);
    const config = toTopolabError(Object.assign(new Error('bad env'), { code: 'CONFIG_INVALID' }));
    expect(config.code).toBe('CONFIG_INVALID');
    expect(config.exitCode).toBe(2);
  });
});
