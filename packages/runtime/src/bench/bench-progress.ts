import type { BenchSection, ColdStartResult, FailoverResult, FanoutResult, RevocationResult, RoundSnapshot, ThroughputSample } from './bench-types.js';

/** What the bench reports while it runs, in order; a renderer prints a line for each. */
export type BenchProgress =
  /** A section starts; `detail` says what it does (`8 rows × 3 rounds, 10 s each`). */
  | { readonly type: 'section'; readonly section: BenchSection; readonly detail: string }
  /** A row's measured run starts (after its warm-up), for a live status line. */
  | { readonly type: 'row-start'; readonly round: number; readonly rounds: number; readonly rowId: string; readonly durationMs: number }
  /** A row's run of one round ended. */
  | { readonly type: 'row'; readonly round: number; readonly rounds: number; readonly sample: ThroughputSample }
  /** A row cannot be measured in this run (reported once). */
  | { readonly type: 'row-missing'; readonly rowId: string; readonly reason: string }
  /** A round ended; the gateway's memory after it. */
  | { readonly type: 'round'; readonly snapshot: RoundSnapshot; readonly rounds: number }
  | { readonly type: 'revocation'; readonly result: RevocationResult }
  | { readonly type: 'failover'; readonly result: FailoverResult }
  | { readonly type: 'fanout'; readonly result: FanoutResult }
  | { readonly type: 'coldstart'; readonly run: number; readonly runs: number; readonly readyMs: number }
  | { readonly type: 'coldstart-done'; readonly result: ColdStartResult };

/** Receives the bench's progress. */
export type BenchProgressListener = (event: BenchProgress) => void;
