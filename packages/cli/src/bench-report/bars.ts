const eighths = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** How a bar is drawn: unicode blocks in eighths on a terminal, `#` in plain text. */
export interface BarStyle {
  /** Characters at the maximum value. @default 20 */
  readonly width?: number;
  readonly unicode: boolean;
}

/** A horizontal bar of `value` against `max`, padded to the full width; empty for a missing value. */
export function renderBar(value: number | undefined, max: number, style: BarStyle): string {
  const width = style.width ?? 20;
  if (value === undefined || !Number.isFinite(value) || value <= 0 || !(max > 0)) return ' '.repeat(width);
  const share = Math.min(1, value / max) * width;
  if (!style.unicode) return '#'.repeat(Math.max(1, Math.round(share))).padEnd(width);
  const whole = Math.floor(share);
  const part = Math.round((share - whole) * 8);
  const bar = part === 8 ? '█'.repeat(whole + 1) : '█'.repeat(whole) + eighths[part];
  return (bar || '▏').padEnd(width);
}
