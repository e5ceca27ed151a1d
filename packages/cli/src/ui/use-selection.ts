import { useRef, useState } from 'react';

/** The highlighted row and the moves of ↑ and ↓. */
export interface Selection {
  /** The id of the selected row as last drawn; undefined when there are no rows. */
  readonly selectedId: string | undefined;
  /** The id selected now, moves not yet drawn included: what a key acts on. */
  current(): string | undefined;
  /** ↑: the row above (stays on the first). */
  up(): void;
  /** ↓: the row below (stays on the last). */
  down(): void;
  /** Whether the first row is selected now. */
  isFirst(): boolean;
  /** Forgets the choice: the first row is selected again, whichever it is as rows come. */
  reset(): void;
}

const indexIn = (ids: readonly string[], id: string | undefined) => Math.max(0, id === undefined ? 0 : ids.indexOf(id));

/** Keeps one of `ids` selected (the first by default), following the same id when rows come and go. */
export function useSelection(ids: readonly string[]): Selection {
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  // Keys are handled by the handler of the last effect, which may run before the moved
  // selection is drawn (ink re-registers input handlers after the frame): the ref is never behind.
  const chosenNow = useRef<string | undefined>(undefined);
  const idsNow = useRef(ids);
  idsNow.current = ids;
  const move = (step: number) => {
    const list = idsNow.current;
    if (list.length === 0) return;
    const next = list[Math.min(list.length - 1, Math.max(0, indexIn(list, chosenNow.current) + step))];
    chosenNow.current = next;
    setChosen(next);
  };
  return {
    selectedId: ids[indexIn(ids, chosen)],
    current: () => idsNow.current[indexIn(idsNow.current, chosenNow.current)],
    up: () => move(-1),
    down: () => move(1),
    isFirst: () => indexIn(idsNow.current, chosenNow.current) === 0,
    reset: () => {
      chosenNow.current = undefined;
      setChosen(undefined);
    },
  };
}
