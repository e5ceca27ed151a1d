import { useEffect, useState } from 'react';
import { useStdout } from 'ink';

/** Columns and rows of the terminal the dashboard draws on. */
export interface TerminalSize {
  readonly columns: number;
  readonly rows: number;
}

/** The size assumed when the stream does not say (a pipe, a test's fake stdout): the classic 80×24. */
export const fallbackSize: TerminalSize = { columns: 80, rows: 24 };

const sizeOf = (stdout: NodeJS.WriteStream): TerminalSize => ({
  columns: stdout.columns > 0 ? stdout.columns : fallbackSize.columns,
  rows: stdout.rows > 0 ? stdout.rows : fallbackSize.rows,
});

/** The size of ink's stdout, again after each `resize`. */
export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => sizeOf(stdout));
  useEffect(() => {
    const onResize = () => {
      const next = sizeOf(stdout);
      setSize((previous) => (previous.columns === next.columns && previous.rows === next.rows ? previous : next));
    };
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}
