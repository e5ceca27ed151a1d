import { describe, expect, it } from 'vitest';
import { instance } from './fixtures';
import { balancedChunks, buildGraphModel, diffGraph, graphLayout, instanceLabel, instanceNodeId, serviceNodeId } from './graph-model';
import { clientNodeId } from './hops';

describe('buildGraphModel', () => {
  const instances = [instance('gateway#1'), instance('profile#1'), instance('profile#2', { state: 'crashed' }), instance('registry#1', { zombie: true })];

  it('has the client, a compound node per service, and a child per instance classed by tone', () => {
    const { nodes } = buildGraphModel(instances, []);
    expect(nodes[0]).toMatchObject({ id: clientNodeId, classes: 'client' });
    expect(nodes.filter((node) => node.classes.startsWith('service')).map((node) => node.id)).toEqual(['svc:gateway', 'svc:profile', 'svc:registry']);
    expect(nodes.find((node) => node.id === instanceNodeId('profile#2'))).toMatchObject({ parent: serviceNodeId('profile'), label: '#2', classes: 'instance down' });
    expect(nodes.find((node) => node.id === instanceNodeId('registry#1'))?.classes).toBe('instance zombie');
    // Parents come before their children.
    const index = (id: string) => nodes.findIndex((node) => node.id === id);
    expect(index('svc:profile')).toBeLessThan(index('inst:profile#1'));
  });

  it('places a column per tier, left to right, the same way every time', () => {
    const first = buildGraphModel(instances, []);
    const second = buildGraphModel([...instances].reverse(), []);
    expect(second).toEqual(first);
    const x = (id: string) => first.nodes.find((node) => node.id === id)?.position?.x ?? Number.NaN;
    expect(x('client')).toBe(0);
    expect(x('inst:gateway#1')).toBe(graphLayout.columnWidth);
    expect(x('inst:profile#1')).toBeLessThan(x('inst:profile#2'));
    expect((x('inst:profile#1') + x('inst:profile#2')) / 2).toBe(2 * graphLayout.columnWidth);
    expect(x('inst:registry#1')).toBe(3 * graphLayout.columnWidth);
  });

  it('spreads a tier of many services over several columns', () => {
    const domain = ['graphql#1', 'profile#1', 'chat#1', 'sms#1', 'mail#1'].map((id) => instance(id, { kind: 'domain' }));
    const { nodes } = buildGraphModel([instance('gateway#1'), ...domain, instance('bus#1')], []);
    const x = (id: string) => nodes.find((node) => node.id === id)?.position?.x;
    expect(['graphql#1', 'profile#1', 'chat#1'].map((id) => x(instanceNodeId(id)))).toEqual([2, 2, 2].map((column) => column * graphLayout.columnWidth));
    expect(['sms#1', 'mail#1'].map((id) => x(instanceNodeId(id)))).toEqual([3, 3].map((column) => column * graphLayout.columnWidth));
    expect(x(instanceNodeId('bus#1'))).toBe(4 * graphLayout.columnWidth);
  });

  it('draws the edges between instances still there, once each', () => {
    const { edges } = buildGraphModel(instances, [
      { from: clientNodeId, to: 'gateway#1' },
      { from: 'gateway#1', to: 'profile#1' },
      { from: 'gateway#1', to: 'profile#1' },
      { from: 'gateway#1', to: 'profile#9' },
    ]);
    expect(edges.map((edge) => [edge.id, edge.source, edge.target])).toEqual([
      ['edge:client->gateway#1', 'client', 'inst:gateway#1'],
      ['edge:gateway#1->profile#1', 'inst:gateway#1', 'inst:profile#1'],
    ]);
  });
});

describe('diffGraph', () => {
  it('adds what is missing, removes what is gone (edges first), updates the rest', () => {
    const model = buildGraphModel([instance('gateway#1'), instance('profile#1')], [{ from: 'gateway#1', to: 'profile#1' }]);
    const drawn = new Map<string, { parent?: string }>([
      ['client', {}],
      ['svc:gateway', {}],
      ['inst:gateway#1', { parent: 'svc:gateway' }],
      ['svc:chat', {}],
      ['inst:chat#1', { parent: 'svc:chat' }],
      ['edge:gateway#1->chat#1', {}],
    ]);
    const diff = diffGraph(drawn, model);
    expect(diff.remove).toEqual(['edge:gateway#1->chat#1', 'inst:chat#1', 'svc:chat']);
    expect(diff.add.map((element) => element.id)).toEqual(['svc:profile', 'inst:profile#1', 'edge:gateway#1->profile#1']);
    expect(diff.update.map((element) => element.id)).toEqual(['client', 'svc:gateway', 'inst:gateway#1']);
  });

  it('replaces a node whose parent changed', () => {
    const model = buildGraphModel([instance('gateway#1')], []);
    const diff = diffGraph(new Map([['inst:gateway#1', { parent: 'svc:other' }]]), model);
    expect(diff.remove).toEqual(['inst:gateway#1']);
    expect(diff.add.map((element) => element.id)).toContain('inst:gateway#1');
  });
});

describe('layout helpers', () => {
  it('cuts into even chunks', () => {
    expect(balancedChunks([1, 2, 3, 4, 5], 4)).toEqual([[1, 2, 3], [4, 5]]);
    expect(balancedChunks([1, 2, 3], 4)).toEqual([[1, 2, 3]]);
    expect(balancedChunks([], 4)).toEqual([]);
  });

  it('labels an instance by its number', () => {
    expect(instanceLabel('profile#2')).toBe('#2');
    expect(instanceLabel('odd')).toBe('odd');
  });
});
