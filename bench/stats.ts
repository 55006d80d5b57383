/** Pure statistics over measured durations. */
import type { LatencySummary } from './results';

/**
 * The nearest-rank percentile of ascending `sorted` values: the smallest value with at least `p` per cent
 * of the values at or below it. No interpolation, so every reported figure is one that was measured.
 */
export const percentile = (sorted: Float64Array, p: number): number => {
  if (sorted.length === 0) throw new RangeError('no values');
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[rank - 1] as number;
};

export const summarize = (durationsMs: Float64Array): LatencySummary => {
  const sorted = Float64Array.from(durationsMs).sort();
  let total = 0;
  for (const value of sorted) total += value;
  return {
    mean: total / sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] as number,
  };
};

/** Operations per second; 0 when nothing ran (never Infinity, which JSON cannot carry). */
export const ratePerSecond = (operations: number, elapsedMs: number): number =>
  elapsedMs > 0 ? (operations * 1000) / elapsedMs : 0;
