/**
 * The elements of the topology graph, as plain data for cytoscape: a compound node per
 * service, a child node per instance (classed by its tone), the client node, and the edges
 * learned from hops. Positions are fixed, a column per tier, so the picture never jumps; and
 * the diff that brings a drawn graph up to date. Pure: no DOM, no cytoscape.
 */
import type { DashboardInstance } from '../protocol';
import { clientNodeId } from './hops';
import { groupByService, instanceTone, type ServiceGroup } from './instances';

/** A node of the graph. */
export interface GraphNode {
  readonly group: 'nodes';
  readonly id: string;
  /** The service's node, for an instance. */
  readonly parent?: string;
  readonly label: string;
  /** Space-separated cytoscape classes: `service`, `instance ready`, `client`. */
  readonly classes: string;
  /** Absent for a service node: cytoscape fits it around its instances. */
  readonly position?: { readonly x: number; readonly y: number };
}

/** An edge of the graph. */
export interface GraphEdge {
  readonly group: 'edges';
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly classes: string;
}

/** Every element, nodes before edges and parents before children (cytoscape's adding order). */
export interface GraphModel {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

/** A call seen between two instances (or the client and a gateway). */
export interface GraphLink {
  readonly from: string;
  readonly to: string;
}

/** Layout constants, px in graph coordinates; a tier with more than `servicesPerColumn` services takes several columns. */
export const graphLayout = { columnWidth: 170, instanceSpacing: 46, rowHeight: 56, perRow: 4, serviceGap: 38, servicesPerColumn: 4 } as const;

/** `items` cut into the fewest chunks of at most `size`, as even as can be (5 by 4: 3 and 2). */
export function balancedChunks<T>(items: readonly T[], size: number): T[][] {
  const count = Math.max(1, Math.ceil(items.length / size));
  const per = Math.ceil(items.length / count);
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += per) chunks.push(items.slice(index, index + per));
  return chunks;
}

/** `#2` for `profile#2` (its service box says the rest); the id itself when it has no number. */
export function instanceLabel(instanceId: string): string {
  const hash = instanceId.lastIndexOf('#');
  return hash === -1 ? instanceId : instanceId.slice(hash);
}

/** `svc:profile`: the node id of a service. */
export function serviceNodeId(service: string): string {
  return `svc:${service}`;
}

/** `inst:profile#2`: the node id of an instance; the client keeps `client`. */
export function instanceNodeId(instanceId: string): string {
  return instanceId === clientNodeId ? clientNodeId : `inst:${instanceId}`;
}

/** `edge:gateway#1->profile#2`: the edge id of a link. */
export function edgeId(link: GraphLink): string {
  return `edge:${link.from}->${link.to}`;
}

/** The graph of `instances` and the `links` between those still there. */
export function buildGraphModel(instances: readonly DashboardInstance[], links: Iterable<GraphLink>): GraphModel {
  const { columnWidth, instanceSpacing, rowHeight, perRow, serviceGap, servicesPerColumn } = graphLayout;
  const groups = groupByService(instances);
  const tiers = new Map<number, ServiceGroup[]>();
  for (const group of groups) tiers.set(group.tier, [...(tiers.get(group.tier) ?? []), group]);
  // Column 0 is the client's; each tier then takes one column or more, left to right.
  const columns = [...tiers.entries()].sort(([a], [b]) => a - b).flatMap(([, list]) => balancedChunks(list, servicesPerColumn));

  const heightOf = (count: number) => Math.max(1, Math.ceil(count / perRow)) * rowHeight;
  const columnHeight = (list: readonly ServiceGroup[]) => list.reduce((sum, group) => sum + heightOf(group.instances.length), 0) + serviceGap * Math.max(0, list.length - 1);
  const tallest = Math.max(rowHeight, ...columns.map(columnHeight));

  const nodes: GraphNode[] = [{ group: 'nodes', id: clientNodeId, label: 'client', classes: 'client', position: { x: 0, y: tallest / 2 } }];
  const children: GraphNode[] = [];
  columns.forEach((list, columnIndex) => {
    const columnX = (columnIndex + 1) * columnWidth;
    let y = (tallest - columnHeight(list)) / 2;
    for (const group of list) {
      nodes.push({ group: 'nodes', id: serviceNodeId(group.service), label: group.service, classes: `service ${group.kind}` });
      group.instances.forEach((instance, index) => {
        const row = Math.floor(index / perRow);
        const rowCount = Math.min(perRow, group.instances.length - row * perRow);
        children.push({
          group: 'nodes',
          id: instanceNodeId(instance.id),
          parent: serviceNodeId(group.service),
          label: instanceLabel(instance.id),
          classes: `instance ${instanceTone(instance)}`,
          position: { x: columnX + ((index % perRow) - (rowCount - 1) / 2) * instanceSpacing, y: y + row * rowHeight + rowHeight / 2 },
        });
      });
      y += heightOf(group.instances.length) + serviceGap;
    }
  });
  nodes.push(...children);

  const present = new Set(nodes.map((node) => node.id));
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  for (const link of links) {
    const source = instanceNodeId(link.from);
    const target = instanceNodeId(link.to);
    const id = edgeId(link);
    if (seen.has(id) || !present.has(source) || !present.has(target) || source === target) continue;
    seen.add(id);
    edges.push({ group: 'edges', id, source, target, classes: link.from === clientNodeId ? 'from-client' : '' });
  }
  return { nodes, edges };
}

/** What to do to a drawn graph to make it `model`. */
export interface GraphDiff {
  /** Ids of drawn elements no longer in the model (edges and children before parents). */
  readonly remove: readonly string[];
  /** Elements not drawn yet, in adding order. */
  readonly add: readonly (GraphNode | GraphEdge)[];
  /** Elements drawn already: refresh their label, classes and position. */
  readonly update: readonly (GraphNode | GraphEdge)[];
}

/**
 * The diff from the drawn element ids to `model`. An instance that changed service (never
 * expected) is removed and added again, since cytoscape keeps a node's parent.
 */
export function diffGraph(drawn: ReadonlyMap<string, { readonly parent?: string | undefined }>, model: GraphModel): GraphDiff {
  const wanted = new Map<string, GraphNode | GraphEdge>();
  for (const element of [...model.nodes, ...model.edges]) wanted.set(element.id, element);
  const remove: string[] = [];
  for (const [id, element] of drawn) {
    const next = wanted.get(id);
    if (!next || (next.group === 'nodes' && next.parent !== element.parent)) remove.push(id);
  }
  const rank = (id: string) => (id.startsWith('edge:') ? 0 : id.startsWith('svc:') ? 2 : 1);
  remove.sort((a, b) => rank(a) - rank(b));
  const removed = new Set(remove);
  const add: (GraphNode | GraphEdge)[] = [];
  const update: (GraphNode | GraphEdge)[] = [];
  for (const element of wanted.values()) (drawn.has(element.id) && !removed.has(element.id) ? update : add).push(element);
  return { remove, add, update };
}
