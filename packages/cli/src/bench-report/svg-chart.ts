/** One bar of a chart. */
export interface ChartBar {
  readonly label: string;
  /** Undefined draws no bar and writes `missing`. */
  readonly value: number | undefined;
  /** Extra points drawn on the bar (each round's figure). */
  readonly marks?: readonly number[];
  /** A reference row (direct, nginx) is drawn in another colour. */
  readonly reference?: boolean;
}

/** What a horizontal bar chart shows. */
export interface BarChart {
  readonly title: string;
  /** `req/s`, `ms`, `MB`. */
  readonly unit: string;
  readonly bars: readonly ChartBar[];
  /** A vertical line at this value (a target), labelled. */
  readonly threshold?: { readonly value: number; readonly label: string };
}

/** Escapes text for HTML and SVG. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const formatValue = (value: number) => (value >= 100 ? String(Math.round(value)) : value >= 1 ? value.toFixed(1) : value.toFixed(2));

/**
 * A horizontal bar chart as inline SVG (no xmlns, no external reference: it lives inside an
 * HTML page), with the value at the end of each bar and each round's figure as a dot.
 */
export function renderBarChartSvg(chart: BarChart): string {
  const rowHeight = 24;
  const labelWidth = 130;
  const plotWidth = 420;
  const top = 30;
  const height = top + chart.bars.length * rowHeight + 10;
  const width = labelWidth + plotWidth + 90;
  const values = chart.bars.flatMap((bar) => [bar.value ?? 0, ...(bar.marks ?? [])]);
  const max = Math.max(chart.threshold?.value ?? 0, ...values, 0) || 1;
  const x = (value: number) => labelWidth + (value / max) * plotWidth;
  const parts = [
    `<svg class="chart" role="img" aria-label="${escapeXml(chart.title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">`,
    `<text x="0" y="16" class="chart-title">${escapeXml(chart.title)} (${escapeXml(chart.unit)})</text>`,
  ];
  chart.bars.forEach((bar, i) => {
    const y = top + i * rowHeight;
    parts.push(`<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end" class="label">${escapeXml(bar.label)}</text>`);
    if (bar.value === undefined || !Number.isFinite(bar.value)) {
      parts.push(`<text x="${labelWidth + 4}" y="${y + 15}" class="missing">missing</text>`);
      return;
    }
    const w = Math.max(1, x(bar.value) - labelWidth);
    parts.push(`<rect x="${labelWidth}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowHeight - 8}" class="${bar.reference ? 'bar reference' : 'bar'}"><title>${escapeXml(`${bar.label}: ${formatValue(bar.value)} ${chart.unit}`)}</title></rect>`);
    for (const mark of bar.marks ?? []) parts.push(`<circle cx="${x(mark).toFixed(1)}" cy="${y + rowHeight / 2 - 1}" r="2.5" class="mark" />`);
    // The value goes past the bar and its round dots, so neither hides it.
    const end = Math.max(bar.value, ...(bar.marks ?? []));
    parts.push(`<text x="${(x(end) + 6).toFixed(1)}" y="${y + 15}" class="value">${escapeXml(formatValue(bar.value))}</text>`);
  });
  if (chart.threshold) {
    const tx = x(chart.threshold.value).toFixed(1);
    parts.push(`<line x1="${tx}" x2="${tx}" y1="${top - 4}" y2="${height - 6}" class="threshold" />`);
    parts.push(`<text x="${tx}" y="${top - 8}" text-anchor="middle" class="threshold-label">${escapeXml(chart.threshold.label)}</text>`);
  }
  parts.push('</svg>');
  return parts.join('\n');
}
