/**
 * The waterfall of one request: every span of its trace as a row, in tree order (a span under
 * the span that caused it, siblings by start), indented by depth, with a bar placed on the
 * trace's time axis. Pure: no DOM.
 */
import type { Span } from '../protocol';

/** One row of the waterfall. */
export interface WaterfallRow {
  readonly span: Span;
  /** 0 for the root (and for any span whose parent is not in the trace). */
  readonly depth: number;
  /** Where the bar starts, 0..1 of the trace's time axis. */
  readonly offset: number;
  /** How long the bar is, 0..1 of the axis (never past its end). */
  readonly width: number;
  /** `cache hit`, `identity verified`, `retries 1`, `error GATEWAY_UPSTREAM_TIMEOUT`, `upstream profile#2`. */
  readonly notes: readonly string[];
}

/** The waterfall of a trace: its rows, and the time axis they share. */
export interface Waterfall {
  readonly rows: readonly WaterfallRow[];
  /** Epoch ms at the axis's left end: the root's start, or an earlier span's (a DNS lookup). */
  readonly startMs: number;
  /** Length of the axis, ms (at least 1 µs so bars never divide by zero). */
  readonly totalMs: number;
}

// Attributes worth a word on a row, in the order shown.
const notableKeys = ['cache', 'identity', 'retries', 'retry', 'error', 'failure', 'upstream', 'peer'] as const;

/** The attributes of `span` worth showing on its row, as `key value` words. */
export function notableAttributes(span: Span): string[] {
  const attributes = span.attributes ?? {};
  const notes: string[] = [];
  for (const key of notableKeys) {
    const value = attributes[key];
    if (value === undefined || value === false) continue;
    notes.push(value === true ? key : `${key} ${String(value)}`);
  }
  return notes;
}

const clamp01 = (value: number) => Math.min(1, Math.max(0, value));

/**
 * The waterfall of `spans`, rooted at `root` when given. Children are found through
 * `parentSpanId`; a span whose parent is not in the trace is drawn at depth 0, after the root
 * when it starts later. A span id seen twice is drawn once.
 */
export function buildWaterfall(spans: readonly Span[], root?: Span): Waterfall {
  const unique = new Map<string, Span>();
  for (const span of spans) if (!unique.has(span.spanId)) unique.set(span.spanId, span);
  if (root && !unique.has(root.spanId)) unique.set(root.spanId, root);
  const all = [...unique.values()];
  if (all.length === 0) return { rows: [], startMs: root?.start ?? 0, totalMs: 0.001 };

  const children = new Map<string, Span[]>();
  const tops: Span[] = [];
  for (const span of all) {
    const parent = span.parentSpanId;
    if (span !== root && parent !== undefined && unique.has(parent) && parent !== span.spanId) {
      const list = children.get(parent);
      if (list) list.push(span);
      else children.set(parent, [span]);
    } else tops.push(span);
  }
  const byStart = (a: Span, b: Span) => a.start - b.start || (a === root ? -1 : b === root ? 1 : 0);

  const startMs = Math.min(...all.map((span) => span.start));
  const endMs = Math.max(...all.map((span) => span.start + Math.max(0, span.durationMs)));
  const totalMs = Math.max(endMs - startMs, 0.001);

  const rows: WaterfallRow[] = [];
  const visited = new Set<string>();
  const visit = (span: Span, depth: number) => {
    if (visited.has(span.spanId)) return;
    visited.add(span.spanId);
    const offset = clamp01((span.start - startMs) / totalMs);
    const width = Math.min(1 - offset, clamp01(Math.max(0, span.durationMs) / totalMs));
    rows.push({ span, depth, offset, width, notes: notableAttributes(span) });
    for (const child of (children.get(span.spanId) ?? []).sort(byStart)) visit(child, depth + 1);
  };
  for (const top of tops.sort(byStart)) visit(top, 0);
  // Spans in a parent cycle (never reached from a top): still drawn, at depth 0.
  for (const span of all.sort(byStart)) visit(span, 0);
  return { rows, startMs, totalMs };
}
