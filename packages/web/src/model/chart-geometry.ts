/** Geometry of the small SVG charts: a scale with a round top, polyline points, bars. Pure: no DOM. */

/** The smallest of 1, 2, 5 × 10ⁿ at or above `value` (at least `floor`): a chart's top. */
export function niceCeiling(value: number, floor = 1): number {
  const target = Math.max(value, floor);
  const magnitude = 10 ** Math.floor(Math.log10(target));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= target) return step * magnitude;
  return 10 * magnitude;
}

/** `x,y x,y …` for an SVG polyline of `values` spread over `width`, 0 at the bottom of `height`, `top` at the top. */
export function polylinePoints(values: readonly number[], width: number, height: number, top: number): string {
  if (values.length === 0) return '';
  const step = values.length === 1 ? 0 : width / (values.length - 1);
  const y = (value: number) => height - (Math.min(Math.max(value, 0), top) / top) * height;
  return values.map((value, index) => `${round(index * step)},${round(y(value))}`).join(' ');
}

/** One bar of a bar chart. */
export interface Bar {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly index: number;
}

/** The bars of `values` (undefined: no bar) in `width` × `height`, `top` at the top, a 1-unit gap between bars. */
export function bars(values: readonly (number | undefined)[], width: number, height: number, top: number): Bar[] {
  const slot = values.length === 0 ? 0 : width / values.length;
  const result: Bar[] = [];
  values.forEach((value, index) => {
    if (value === undefined) return;
    const barHeight = Math.max(1, (Math.min(Math.max(value, 0), top) / top) * height);
    result.push({ x: round(index * slot), y: round(height - barHeight), width: round(Math.max(1, slot - 1)), height: round(barHeight), index });
  });
  return result;
}

const round = (value: number) => Math.round(value * 100) / 100;
