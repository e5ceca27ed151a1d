/** What the dashboard would show if it had the room, in lines. */
export interface LayoutNeeds {
  /** Rows of the terminal. */
  readonly rows: number;
  /** Lines of the service grid. */
  readonly gridLines: number;
  /** Requests kept. */
  readonly requests: number;
  /** Lines of the selected request's hop tree, unfolded (0 without a request). */
  readonly treeLines: number;
  /** Event lines kept. */
  readonly events: number;
  /** SMS messages kept. */
  readonly sms: number;
  /** Lines of the key footer (the keys wrap on a narrow terminal) and of the running actions. */
  readonly footerLines: number;
}

/** How many lines each part of the dashboard gets. */
export interface DashboardLayout {
  readonly gridLines: number;
  readonly requestRows: number;
  readonly treeLines: number;
  readonly eventLines: number;
  /** SMS messages; the first shares the panel's title line. */
  readonly smsLines: number;
  /** Whether the header's second line (timings and limits) fits. */
  readonly headerDetail: boolean;
  /** Whether the footer's other-terminal hint fits. */
  readonly hint: boolean;
}

/**
 * Lines always drawn: the header's first line, the selected instance, the titles of the
 * requests and the events, and the SMS line.
 */
const fixedLines = 5;

/**
 * Shares the terminal's rows among the parts of the dashboard. The frame stays a line shorter
 * than the terminal: ink redraws a frame as tall as the terminal by clearing the screen (it
 * flickers and scrolls the history away). The grid gets every line it needs when it can, then
 * each part its first lines (a request, the top of its hop tree, an event), then more of each
 * by priority; the static header and footer details come last.
 */
export function planDashboard(needs: LayoutNeeds): DashboardLayout {
  let free = needs.rows - 1 - fixedLines - needs.footerLines;
  const firsts = Math.min(needs.requests, 1) + Math.min(needs.treeLines, 2) + Math.min(needs.events, 1);
  const gridLines = Math.max(1, Math.min(needs.gridLines, free - firsts));
  free -= gridLines;
  const layout = { gridLines, requestRows: 0, treeLines: 0, eventLines: 0, smsLines: Math.min(needs.sms, 1), headerDetail: 0, hint: 0 };
  const grow = (part: 'requestRows' | 'treeLines' | 'eventLines' | 'smsLines' | 'headerDetail' | 'hint', upTo: number) => {
    const added = Math.max(0, Math.min(free, upTo - layout[part]));
    layout[part] += added;
    free -= added;
  };
  grow('requestRows', Math.min(needs.requests, 1));
  grow('treeLines', Math.min(needs.treeLines, 2));
  grow('eventLines', Math.min(needs.events, 1));
  grow('treeLines', Math.min(needs.treeLines, 4));
  grow('requestRows', Math.min(needs.requests, 3));
  grow('eventLines', Math.min(needs.events, 2));
  grow('treeLines', needs.treeLines);
  grow('requestRows', Math.min(needs.requests, 5));
  grow('headerDetail', 1);
  grow('eventLines', Math.min(needs.events, 5));
  grow('smsLines', Math.min(needs.sms, 3));
  grow('hint', 1);
  grow('requestRows', Math.min(needs.requests, 10));
  grow('eventLines', needs.events);
  grow('smsLines', needs.sms);
  return { ...layout, headerDetail: layout.headerDetail > 0, hint: layout.hint > 0 };
}
