import { formatLookupHop, hopsBelow, outcomeOf, summarizeRequest, type HopNode, type HopOutcome, type RequestSummary } from '@topolab/runtime/trace-model';
import { formatClock } from '../output/format.js';
import { formatDuration, type Line, type Segment, type Tone } from '../reporters/narration.js';

/** What the request list shows of one request: its summary and what went wrong below the gateway. */
export type RequestRow = RequestSummary & HopOutcome;

const seg = (text: string, tone: Tone = 'text'): Segment => ({ text, tone });

/** `abc…` within `width` characters, padded to it. */
function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text.padEnd(width);
}

const statusTone = (status: number | undefined): Tone => (status === undefined || status >= 500 ? 'fail' : status >= 400 ? 'skip' : 'text');

/** The request list's row of a request, from its hop tree. */
export function requestRowOf(traceId: string, tree: HopNode): RequestRow {
  return { ...summarizeRequest(traceId, tree), ...outcomeOf(tree) };
}

/** `line` cut to `width` characters, an ellipsis in the last one when something was cut. */
function cutLine(line: readonly Segment[], width: number): Segment[] {
  const cut: Segment[] = [];
  let left = width;
  for (const segment of line) {
    if (segment.text.length <= left) {
      cut.push(segment);
      left -= segment.text.length;
      continue;
    }
    if (left > 0) cut.push(seg(`${segment.text.slice(0, left - 1)}…`, segment.tone));
    break;
  }
  return cut;
}

/**
 * One row of the request list, at most `columns` wide:
 * `› 12:04:05 GET    /profile/me        200   5.0 s  ✖ timeout profile#1 · ↻ 1`
 * (a failed call and its instance, `↻` and how many calls were retried, or the error code).
 */
export function requestRowLine(request: RequestRow, options: { readonly columns: number; readonly selected: boolean }): Line {
  // marker 2, clock 9, method 7, status 4, duration 8: the path takes what ~28 columns of marks leave.
  const pathWidth = Math.max(12, Math.min(40, options.columns - 30 - 28));
  const status = request.status === undefined ? '—' : String(request.status);
  const line: Segment[] = [
    seg(options.selected ? '› ' : '  ', 'head'),
    seg(`${formatClock(request.start).slice(0, 8)} `, 'dim'),
    seg(`${fit(request.method, 6)} `),
    seg(`${fit(request.path, pathWidth)} `),
    seg(status.padStart(3), statusTone(request.status)),
    seg(` ${formatDuration(request.durationMs).padStart(7)}`, 'dim'),
  ];
  const [failure, ...otherFailures] = request.failures;
  if (failure) line.push(seg(`  ✖ ${failure.failure} ${failure.instanceId}${otherFailures.length > 0 ? ` +${otherFailures.length}` : ''}`, 'fail'));
  if (request.retries > 0) line.push(seg(`${failure ? ' · ' : '  '}↻ ${request.retries}`, 'skip'));
  if (!failure && request.error !== undefined) line.push(seg(`  ${request.error}`, 'code'));
  return cutLine(line, options.columns);
}

/** The facts of the gateway's server span worth a glance: modes, the auth verdict, the token cache, limits. */
function rootTags(attributes: HopNode['attributes']): Segment[] {
  const tags: Segment[] = [];
  if (typeof attributes.discovery === 'string') tags.push(seg(`discovery ${attributes.discovery}`, 'dim'));
  if (typeof attributes.auth === 'string') {
    // `auth global: active, cache hit`: the verdict, and whether the mode's token cache had it.
    const verdict = [attributes.authResult === 'public' ? undefined : attributes.authResult, typeof attributes.cache === 'string' ? `cache ${attributes.cache}` : undefined].filter((part) => part !== undefined);
    const settled = attributes.authResult === undefined || attributes.authResult === 'active' || attributes.authResult === 'public';
    tags.push(seg(`auth ${attributes.auth}${verdict.length > 0 ? `: ${verdict.join(', ')}` : ''}`, settled ? 'dim' : 'skip'));
  }
  if (attributes.rateLimited === true) tags.push(seg(`rate limited (${String(attributes.rateLimitScope ?? 'client')})`, 'skip'));
  if (attributes.blocked === true) tags.push(seg('blacklisted', 'fail'));
  if (attributes.redirect === 'https') tags.push(seg('redirect to https', 'dim'));
  return tags;
}

/** `cache hit`, `identity verified`, an error code, the retry and failure marks of one hop. */
function hopTags(node: HopNode, isRoot: boolean): Segment[] {
  const tags = isRoot ? rootTags(node.attributes) : [];
  const { cache, error, identity } = node.attributes;
  if (!isRoot && typeof cache === 'string') tags.push(seg(`cache ${cache}`, cache === 'hit' ? 'pass' : 'dim'));
  // Whether the service verified the gateway's identity assertion (or refused the request for want of one).
  if (identity === 'verified') tags.push(seg('identity verified', 'pass'));
  else if (identity === 'refused') tags.push(seg('identity refused', 'fail'));
  if (node.retry) tags.push(seg('retry', 'skip'));
  if (typeof error === 'string') tags.push(seg(error, 'code'));
  return tags;
}

/** One hop: `✖ profile#1  GET /profile/me  timeout  5.0 s`, with `+3 hops` when its children are folded. */
function hopLine(prefix: string, node: HopNode, isRoot: boolean, folded: number): Line {
  if (node.kind === 'lookup') {
    return [seg(prefix, 'dim'), seg(formatLookupHop(node)), seg(`  ${formatDuration(node.durationMs)}`, 'dim')];
  }
  const line: Segment[] = [seg(prefix, 'dim')];
  if (node.failure !== undefined) line.push(seg('✖ ', 'fail'));
  else if (node.retry) line.push(seg('↻ ', 'skip'));
  line.push(seg(node.instanceId, 'head'), seg(`  ${node.name}`));
  if (node.failure !== undefined) {
    line.push(seg(`  ${node.failure}`, 'fail'));
  } else if (node.status !== undefined || node.kind === 'server') {
    line.push(seg(` ${node.status ?? '—'}`, statusTone(node.status)));
  }
  line.push(seg(`  ${formatDuration(node.durationMs)}`, 'dim'));
  // The paused instance served the request after all, long after the gateway gave up on it.
  if (node.failure !== undefined && node.status !== undefined) line.push(seg(`  answered ${node.status} too late`, 'dim'));
  const tags = hopTags(node, isRoot);
  if (folded > 0) tags.push(seg(`+${folded} ${folded === 1 ? 'hop' : 'hops'}`, 'dim'));
  tags.forEach((tag, i) => line.push(seg(i === 0 ? '  ' : ' · ', 'dim'), tag));
  return line;
}

function treeLines(root: HopNode, maxDepth: number): Line[] {
  const lines: Line[] = [];
  const visit = (node: HopNode, depth: number, indent: string, last: boolean) => {
    const prefix = depth === 0 ? '' : `${indent}${last ? '└─ ' : '├─ '}`;
    const folded = depth >= maxDepth ? hopsBelow(node).length : 0;
    lines.push(hopLine(prefix, node, depth === 0, folded));
    if (folded > 0) return;
    const childIndent = depth === 0 ? '' : `${indent}${last ? '   ' : '│  '}`;
    node.children.forEach((child, i) => visit(child, depth + 1, childIndent, i === node.children.length - 1));
  };
  visit(root, 0, '', true);
  return lines;
}

/**
 * The hop tree as at most `maxLines` lines: the gateway first, then who called whom, depth
 * first. When it is taller, the deepest levels fold into a `+n hops` mark on their parent
 * (the gateway's own attempts stay visible the longest); past that the rest is cut to `… n more`.
 */
export function hopTreeLines(tree: HopNode, maxLines: number): Line[] {
  if (maxLines <= 0) return [];
  let depth = Math.max(1, depthOf(tree));
  let lines = treeLines(tree, depth);
  while (lines.length > maxLines && depth > 1) lines = treeLines(tree, --depth);
  if (lines.length <= maxLines || maxLines === 1) return lines.slice(0, maxLines);
  const kept = lines.slice(0, maxLines - 1);
  return [...kept, [seg(`   … ${lines.length - kept.length} more`, 'dim')]];
}

function depthOf(node: HopNode): number {
  return node.children.length === 0 ? 0 : 1 + Math.max(...node.children.map(depthOf));
}
