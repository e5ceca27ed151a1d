import { describe, expect, it } from 'vitest';
import { instance } from './fixtures';
import { faultButtons, groupByService, instanceIndex, instanceTone, registeredAttribute, stateLabel, tierOf } from './instances';

describe('instance helpers', () => {
  it('gives each state its tone', () => {
    expect(instanceTone(instance('profile#1'))).toBe('ready');
    expect(instanceTone(instance('profile#1', { state: 'starting' }))).toBe('transition');
    expect(instanceTone(instance('profile#1', { state: 'stopping' }))).toBe('transition');
    expect(instanceTone(instance('profile#1', { state: 'paused' }))).toBe('paused');
    expect(instanceTone(instance('profile#1', { condition: 'paused' }))).toBe('paused');
    expect(instanceTone(instance('profile#1', { zombie: true }))).toBe('zombie');
    expect(instanceTone(instance('profile#1', { state: 'crashed', zombie: true }))).toBe('down');
    expect(instanceTone(instance('profile#1', { state: 'exited' }))).toBe('down');
    // A state a newer runtime may add.
    expect(instanceTone(instance('profile#1', { state: 'later' as never }))).toBe('unknown');
  });

  it('labels the state with a condition that says more', () => {
    expect(stateLabel(instance('a#1', { condition: 'zombie' }))).toBe('ready · zombie');
    expect(stateLabel(instance('a#1', { state: 'paused', condition: 'paused' }))).toBe('paused');
    // Evicted while paused: its last word (`registered`) is not repeated; the catalog column says `not in catalog`.
    expect(stateLabel(instance('a#1', { state: 'paused', condition: 'registered', registered: false }))).toBe('paused');
  });

  it('says whether the catalog holds it', () => {
    expect(registeredAttribute(instance('a#1', { registered: true }))).toBe('true');
    expect(registeredAttribute(instance('a#1', { registered: false }))).toBe('false');
    expect(registeredAttribute(instance('a#1', { registered: undefined }))).toBe('unknown');
  });

  it('offers resume for a paused one, unzombie for a zombie, and only restart when down', () => {
    expect(faultButtons(instance('a#1')).map((button) => button.action)).toEqual(['kill', 'pause', 'zombie', 'restart']);
    expect(faultButtons(instance('a#1', { state: 'paused', zombie: true })).map((button) => button.action)).toEqual(['kill', 'resume', 'unzombie', 'restart']);
    const down = faultButtons(instance('a#1', { state: 'crashed' }));
    expect(down.filter((button) => !button.disabled).map((button) => button.action)).toEqual(['restart']);
  });

  it('puts services in tiers and reads instance numbers', () => {
    expect(tierOf('gateway', 'infrastructure')).toBe(1);
    expect(tierOf('sidecar', 'infrastructure')).toBe(2);
    expect(tierOf('auth', 'domain')).toBe(2);
    expect(tierOf('profile', 'domain')).toBe(3);
    expect(tierOf('registry', 'infrastructure')).toBe(4);
    expect(tierOf('something-new', 'infrastructure')).toBe(4);
    expect(instanceIndex('profile#12')).toBe(12);
    expect(instanceIndex('odd')).toBe(0);
  });

  it('groups instances by service in tier order, by number, counting live replicas', () => {
    const groups = groupByService([
      instance('registry#1'),
      instance('profile#10'),
      instance('profile#2', { state: 'crashed' }),
      instance('gateway#1'),
      instance('profile#1'),
      instance('lb#1'),
    ]);
    expect(groups.map((group) => group.service)).toEqual(['gateway', 'lb', 'profile', 'registry']);
    const profile = groups.find((group) => group.service === 'profile')!;
    expect(profile.instances.map((item) => item.id)).toEqual(['profile#1', 'profile#2', 'profile#10']);
    expect(profile.replicas).toBe(2);
    expect(profile.kind).toBe('domain');
  });

  it('keeps an empty group for a known service scaled to 0', () => {
    const groups = groupByService([instance('gateway#1')], [{ service: 'chat', kind: 'domain' }, { service: 'gateway', kind: 'infrastructure' }]);
    expect(groups.map((group) => [group.service, group.instances.length, group.replicas, group.kind])).toEqual([
      ['gateway', 1, 1, 'infrastructure'],
      ['chat', 0, 0, 'domain'],
    ]);
  });
});
