import { describe, expect, it } from 'vitest';
import { planDashboard, type DashboardLayout, type LayoutNeeds } from './dashboard-layout.js';

/** Lines the dashboard draws with `layout` (see fixedLines in dashboard-layout.ts). */
const height = (layout: DashboardLayout, footerLines: number, sms: number) =>
  5 + layout.gridLines + layout.requestRows + layout.treeLines + layout.eventLines + Math.max(0, layout.smsLines - Math.min(sms, 1)) + (layout.headerDetail ? 1 : 0) + (layout.hint ? 1 : 0) + footerLines;

const busy: LayoutNeeds = { rows: 24, gridLines: 7, requests: 50, treeLines: 4, events: 10, sms: 5, footerLines: 2 };

describe('planDashboard', () => {
  it('fits the default topology and a busy log in 80×24 with a line to spare', () => {
    const layout = planDashboard(busy);
    expect(layout).toEqual({ gridLines: 7, requestRows: 3, treeLines: 4, eventLines: 2, smsLines: 1, headerDetail: false, hint: false });
    expect(height(layout, 2, 5)).toBe(23);
  });

  it('gives a taller terminal more requests, the whole hop tree, the header details and the hint', () => {
    const layout = planDashboard({ ...busy, rows: 40, treeLines: 9 });
    expect(layout).toEqual({ gridLines: 7, requestRows: 7, treeLines: 9, eventLines: 5, smsLines: 3, headerDetail: true, hint: true });
    expect(height(layout, 2, 5)).toBe(39);
  });

  it('spends the lines of empty parts on the others', () => {
    const layout = planDashboard({ ...busy, requests: 0, treeLines: 0, sms: 0 });
    expect(layout).toEqual({ gridLines: 7, requestRows: 0, treeLines: 0, eventLines: 7, smsLines: 0, headerDetail: true, hint: true });
    expect(height(layout, 2, 0)).toBe(23);
  });

  it('shrinks the grid on a short terminal, keeping a request, its tree top and an event', () => {
    const layout = planDashboard({ ...busy, rows: 16 });
    expect(layout).toMatchObject({ gridLines: 4, requestRows: 1, treeLines: 2, eventLines: 1, headerDetail: false, hint: false });
    expect(height(layout, 2, 5)).toBe(15);
  });
});
