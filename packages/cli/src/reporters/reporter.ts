import type { RunEvent, RunResult } from '@topolab/runtime';

/** The names `--reporter` takes. */
export const reporterNames = ['pretty', 'plain', 'json', 'junit'] as const;

/**
 * A reporter.
 * `pretty`: live narration drawn with ink (a terminal). `plain`: the same narration as lines.
 * `json`: the whole result. `junit`: JUnit XML for CI.
 */
export type ReporterName = (typeof reporterNames)[number];

/** Reporters that write one document (to --output, or stdout when alone). */
export const fileReporterNames: readonly ReporterName[] = ['json', 'junit'];

/** Receives a run's events as they happen, then its result. */
export interface Reporter {
  onEvent(event: RunEvent): void;
  /** Writes what is left (a file reporter its document) and lets go of the terminal. */
  finish(result: RunResult): Promise<void>;
}
