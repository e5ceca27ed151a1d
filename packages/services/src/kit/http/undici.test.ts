import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as undiciIndex from 'undici';
import { describe, expect, it } from 'vitest';
import { Agent, buildConnector, errors, request } from './undici.js';

const src = fileURLToPath(new URL('../..', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

describe('undici, module by module', () => {
  it('gives the classes and functions undici’s index exports', () => {
    expect(Agent).toBe(undiciIndex.Agent);
    expect(buildConnector).toBe(undiciIndex.buildConnector);
    expect(errors).toBe(undiciIndex.errors);
  });

  it('sends a request on an agent and reads the answer', async () => {
    const server = createServer((req, res) => res.end(JSON.stringify({ method: req.method, path: req.url })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const agent = new Agent();
    try {
      const { port } = server.address() as AddressInfo;
      const res = await request(agent, { origin: `http://127.0.0.1:${port}`, method: 'GET', path: '/x?y=1' });
      expect(res.statusCode).toBe(200);
      expect(await res.body.json()).toEqual({ method: 'GET', path: '/x?y=1' });
    } finally {
      await agent.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('is the only source that imports undici’s index (which loads fetch, WebSocket, the mocks…)', () => {
    const importers = sourceFiles(src)
      .filter((file) => /from 'undici'/.test(readFileSync(file, 'utf8').replace(/^import type .*$/gm, '').replace(/^export type .*$/gm, '')))
      .map((file) => file.slice(src.length));
    expect(importers).toEqual([]);
  });
});
