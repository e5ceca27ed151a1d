import { useMemo } from 'react';
import { bars, niceCeiling, polylinePoints } from '../model/chart-geometry';
import { formatDuration } from '../model/format';
import { secondBuckets, type RequestSample } from '../model/metrics';
import { useNow } from './hooks';

/** Props of Charts. */
export interface ChartsProps {
  readonly samples: readonly RequestSample[];
  /** Bumped when samples were added (the list itself is reused). */
  readonly version: number;
  readonly clockOffsetMs: number;
}

const width = 300;
const height = 70;

/** Requests per second and p99 latency per second, over the last 60 s of sampled requests. */
export function Charts({ samples, version, clockOffsetMs }: ChartsProps) {
  const now = useNow(1000) + clockOffsetMs;
  const second = Math.floor(now / 1000);
  // The last (still running) second is left out: its count would always look low. `version` says
  // when `samples` (the same array, grown) changed.
  const buckets = useMemo(() => secondBuckets(samples, second * 1000 - 1, 60), [samples, version, second]);
  const counts = buckets.map((bucket) => bucket.count);
  const p99s = buckets.map((bucket) => bucket.p99Ms);
  const rpsTop = niceCeiling(Math.max(...counts), 5);
  const p99Top = niceCeiling(Math.max(0, ...p99s.map((value) => value ?? 0)), 10);
  const lastCount = counts.at(-1) ?? 0;
  const lastP99 = [...p99s].reverse().find((value) => value !== undefined);
  return (
    <section className="panel charts-panel" aria-label="Charts">
      <h2 className="panel-title">
        last 60 s <span className="muted">(sampled requests)</span>
      </h2>
      <figure className="chart" data-testid="chart-rps">
        <figcaption>
          req/s <strong>{lastCount}</strong> <span className="muted">max {Math.max(...counts)}</span>
        </figcaption>
        <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label={`Requests per second over the last 60 seconds, now ${lastCount}`}>
          <line className="chart-grid" x1="0" x2={width} y1={height / 2} y2={height / 2} />
          <polyline className="chart-line" points={polylinePoints(counts, width, height, rpsTop)} />
        </svg>
        <span className="chart-top muted">{rpsTop}</span>
      </figure>
      <figure className="chart" data-testid="chart-p99">
        <figcaption>
          p99 <strong>{lastP99 === undefined ? '—' : formatDuration(lastP99)}</strong>
        </figcaption>
        <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label={`p99 latency per second over the last 60 seconds${lastP99 === undefined ? '' : `, last ${formatDuration(lastP99)}`}`}>
          <line className="chart-grid" x1="0" x2={width} y1={height / 2} y2={height / 2} />
          {bars(p99s, width, height, p99Top).map((bar) => (
            <rect className="chart-bar" key={bar.index} x={bar.x} y={bar.y} width={bar.width} height={bar.height} />
          ))}
        </svg>
        <span className="chart-top muted">{formatDuration(p99Top)}</span>
      </figure>
    </section>
  );
}
