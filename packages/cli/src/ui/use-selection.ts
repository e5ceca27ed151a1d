import { useState } from 'react';

/** The highlighted row and the moves of ↑ and ↓. */
export interface Selection {
  /** The id of the selected row; undefined when there are no rows. */
  readonly selectedId: string | undefined;
  /** ↑: the row above (stays on the first). */
  up(): void;
  /** ↓: the row below (stays on the last). */
  down(): void;
}

/** Keeps one of `ids` selected (the first by default), following the same id when rows come and go. */
export function useSelection(ids: readonly string[]): Selection {
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const indexOf = (id: string | undefined) => Math.max(0, id === undefined ? 0 : ids.indexOf(id));
  // Functional updates: keys typed faster than the screen redraws each move one row.
  const move = (step: number) =>
    setChosen((previous) => (ids.length === 0 ? previous : ids[Math.min(ids.length - 1, Math.max(0, indexOf(previous) + step))]));
  return { selectedId: ids[indexOf(chosen)], up: () => move(-1), down: () => move(1) };
}
