import type { InstanceView } from '@topolab/runtime/topology';
import { instanceCondition } from '../output/format.js';

/** The instances of one service, in start order. */
export interface ServiceGroup {
  readonly service: string;
  readonly instances: readonly InstanceView[];
}

/** Services laid out in columns: `lines[row][column]`, filled down the first column first. */
export interface ServiceGrid {
  /** Width of the service name in each cell. */
  readonly nameWidth: number;
  /** Width of one cell (the widest service's); `gridGap` spaces separate two cells. */
  readonly cellWidth: number;
  readonly lines: readonly (readonly ServiceGroup[])[];
}

/** Spaces between two cells of a line. */
export const gridGap = 2;

/** Groups instances by service, services in the order their first instance started. */
export function groupInstances(instances: readonly InstanceView[]): ServiceGroup[] {
  const groups = new Map<string, InstanceView[]>();
  for (const instance of instances) {
    const group = groups.get(instance.service);
    if (group) group.push(instance);
    else groups.set(instance.service, [instance]);
  }
  return [...groups].map(([service, members]) => ({ service, instances: members }));
}

/** `#2 paused`: one instance in its service's cell. */
export function instanceLabel(instance: InstanceView): string {
  return `#${instance.index} ${instanceCondition(instance)}`;
}

// A space and a mark (`›` on the selected one) before each label.
const instancesWidth = (group: ServiceGroup) => group.instances.reduce((sum, instance) => sum + 2 + instanceLabel(instance).length, 0);

/**
 * Lays services out in as many columns as fit in `columns` characters (at least one), each
 * service one cell: `profile  ›#1 ready  #2 paused`. Columns fill top to bottom, so the
 * instances read in start order down the first column, then the next, as ↑ and ↓ move.
 */
export function layoutServiceGrid(groups: readonly ServiceGroup[], columns: number): ServiceGrid {
  const nameWidth = Math.max(0, ...groups.map((group) => group.service.length));
  const cellWidth = nameWidth + Math.max(0, ...groups.map(instancesWidth));
  const count = Math.max(1, Math.min(groups.length, Math.floor((columns + gridGap) / (cellWidth + gridGap))));
  const rows = Math.ceil(groups.length / count);
  const lines = Array.from({ length: rows }, (_, row) =>
    Array.from({ length: count }, (_, column) => groups[column * rows + row]).filter((group): group is ServiceGroup => group !== undefined),
  );
  return { nameWidth, cellWidth, lines };
}

/** The lines of `grid` to show in `height` lines: all when they fit, else a window around the line of `selectedId`. */
export function visibleGridLines(grid: ServiceGrid, height: number, selectedId: string | undefined): { readonly first: number; readonly lines: readonly (readonly ServiceGroup[])[] } {
  if (grid.lines.length <= height) return { first: 0, lines: grid.lines };
  const selectedLine = Math.max(0, grid.lines.findIndex((line) => line.some((group) => group.instances.some((instance) => instance.id === selectedId))));
  const first = Math.min(Math.max(0, selectedLine - Math.floor(height / 2)), grid.lines.length - height);
  return { first, lines: grid.lines.slice(first, first + Math.max(1, height)) };
}
