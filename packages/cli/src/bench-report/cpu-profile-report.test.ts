import { describe, expect, it } from 'vitest';
import { renderCpuProfiles } from './cpu-profile-report.js';

describe('renderCpuProfiles', () => {
  it('prints each instance’s heaviest functions with their self time and share', () => {
    const text = renderCpuProfiles(
      [{ instance: 'gateway#1', file: 'embedded-a/gateway-1.cpuprofile', busyMs: 4223.4, idleMs: 16028, top: [{ name: 'writev', location: '', selfMs: 1044.4, share: 0.247 }, { name: 'handle', location: 'gateway.mjs:29202', selfMs: 53.3, share: 0.013 }] }],
      '/tmp/prof',
    );
    expect(text.split('\n')).toEqual([
      'CPU profiles (node --cpu-prof) in /tmp/prof: the functions with the most self time, as a share of the busy time',
      '',
      'gateway#1  embedded-a/gateway-1.cpuprofile  busy 4223 ms, idle 16028 ms',
      '   self ms   share  function',
      '    1044.4   24.7%  writev',
      '      53.3    1.3%  handle  gateway.mjs:29202',
      '',
    ]);
  });

  it('says when no profile was written', () => {
    expect(renderCpuProfiles([], '/tmp/prof')).toBe('CPU profiles: none written to /tmp/prof (an instance killed, not stopped, writes none)\n');
  });
});
