import { Box } from 'ink';
import { buildHopTree, type HopNode, type RequestTrace } from '@topolab/runtime/trace-model';
import { LineText } from './LineText.js';
import { SectionTitle } from './SectionTitle.js';
import { hopTreeLines, requestRowLine, requestRowOf } from './request-lines.js';

/** Props of RequestPanel. */
export interface RequestPanelProps {
  /** Newest first. */
  readonly requests: readonly RequestTrace[];
  /** The request whose hop tree is drawn (the newest unless one was picked). */
  readonly selectedId: string | undefined;
  /** Its hop tree (buildHopTree), undefined without requests. */
  readonly tree: HopNode | undefined;
  /** Most request rows; the rows around the selected one when there are more requests. */
  readonly rows: number;
  /** Most lines of the hop tree. */
  readonly treeLines: number;
  readonly columns: number;
}

/** The first row to show so that `selected` is among `rows` rows, the newest on top while it can be. */
function firstRow(selected: number, rows: number, count: number): number {
  return Math.max(0, Math.min(selected - rows + 1, count - rows));
}

/**
 * The recent requests through the gateways — time, method, path, status, latency, failed
 * attempts and retries — and under them the selected one's hop tree: who called whom, how
 * long each hop took, cache hits, failures and retries.
 */
export function RequestPanel({ requests, selectedId, tree, rows, treeLines, columns }: RequestPanelProps) {
  if (requests.length === 0) return <SectionTitle title="Requests" detail="none yet: send one through the gateway" columns={columns} />;
  const selected = Math.max(0, requests.findIndex((request) => request.traceId === selectedId));
  const first = firstRow(selected, rows, requests.length);
  const shown = requests.slice(first, first + rows);
  return (
    <Box flexDirection="column">
      <SectionTitle title="Requests" detail={`${requests.length} through the gateway · ←→ older/newer`} columns={columns} />
      {shown.map((request) => (
        <LineText key={request.traceId} truncate line={requestRowLine(requestRowOf(request.traceId, buildHopTree(request)), { columns, selected: request.traceId === selectedId })} />
      ))}
      {tree ? hopTreeLines(tree, treeLines).map((line, i) => <LineText key={i} truncate line={[{ text: '  ', tone: 'text' }, ...line]} />) : null}
    </Box>
  );
}
