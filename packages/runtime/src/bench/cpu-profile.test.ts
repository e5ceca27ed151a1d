import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readCpuProfiles, summarizeCpuProfile, type CpuProfile } from './cpu-profile.js';

// The shape `node --cpu-prof` writes (V8's Profiler.Profile of the Chrome DevTools Protocol).
const frame = (functionName: string, url = '', lineNumber = -1) => ({ functionName, url, lineNumber, columnNumber: 0, scriptId: '1' });
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)') },
    { id: 2, callFrame: frame('(idle)') },
    { id: 3, callFrame: frame('handle', 'file:///home/u/topolab/packages/services/bundle/gateway.mjs', 99) },
    { id: 4, callFrame: frame('writev') },
    { id: 5, callFrame: frame('', 'node:internal/process/task_queues', 66) },
    { id: 6, callFrame: frame('handle', 'file:///home/u/topolab/packages/services/bundle/gateway.mjs', 99) },
    { id: 7, callFrame: frame('Request', 'file:///p/node_modules/.pnpm/undici@7.30.2/node_modules/undici/lib/core/request.js', 9) },
  ],
  samples: [2, 3, 4, 4, 5, 6, 2, 1, 7],
  timeDeltas: [5000, 1000, 2000, 3000, 500, 1000, 10_000, 250, 250],
};

describe('summarizeCpuProfile', () => {
  it('sums self time per function (two nodes of one function count once) as a share of the busy time', () => {
    const summary = summarizeCpuProfile(profile, 'gateway#1', 'gateway-1.cpuprofile');
    expect(summary).toMatchObject({ instance: 'gateway#1', busyMs: 8, idleMs: 15 });
    expect(summary.top).toEqual([
      { name: 'writev', location: '', selfMs: 5, share: 0.625 },
      { name: 'handle', location: 'gateway.mjs:100', selfMs: 2, share: 0.25 },
      { name: '(anonymous)', location: 'node:internal/process/task_queues:67', selfMs: 0.5, share: 0.063 },
      { name: 'Request', location: 'undici/lib/core/request.js:10', selfMs: 0.3, share: 0.031 },
    ]);
  });

  it('keeps the heaviest `top` functions', () => {
    expect(summarizeCpuProfile(profile, 'g', 'f', 1).top.map((fn) => fn.name)).toEqual(['writev']);
  });
});

describe('readCpuProfiles', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('reads every profile under the folder, one folder per topology, and names each instance', () => {
    dir = mkdtempSync(join(tmpdir(), 'cpu-profiles-'));
    mkdirSync(join(dir, 'embedded-a'));
    mkdirSync(join(dir, 'real-backends-b'));
    writeFileSync(join(dir, 'embedded-a', 'gateway-1.cpuprofile'), JSON.stringify(profile));
    writeFileSync(join(dir, 'real-backends-b', 'lb-2.cpuprofile'), JSON.stringify(profile));
    writeFileSync(join(dir, 'real-backends-b', 'broken-1.cpuprofile'), '{"nodes":');
    writeFileSync(join(dir, 'notes.txt'), 'not a profile');
    expect(readCpuProfiles(dir).map((summary) => [summary.instance, summary.file])).toEqual([
      ['gateway#1', join('embedded-a', 'gateway-1.cpuprofile')],
      ['lb#2', join('real-backends-b', 'lb-2.cpuprofile')],
    ]);
    expect(readCpuProfiles(join(dir, 'missing'))).toEqual([]);
  });
});
