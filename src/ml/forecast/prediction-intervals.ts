import { type ErrorKind } from './forecast-model';

/** Central 80% and 95% prediction intervals around one point forecast. */
export interface PredictionInterval {
  lower80: number;
  upper80: number;
  lower95: number;
  upper95: number;
}

/** Options of {@link empiricalIntervals}. */
export interface IntervalOptions {
  /** Fewer errors than this at a step and the step borrows from an earlier one (default 30). */
  minSamples?: number;
  /**
   * Widen every interval by this factor around the point forecast (default 1). In-sample errors
   * come from a model fitted to the same data, so they are a little optimistic.
   */
  inflation?: number;
}

/**
 * Linear-interpolation quantile (Hyndman & Fan type 7, what R and NumPy use by default) of an
 * ascending sorted array.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of an empty sample');
  const pos = (sorted.length - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(pos);
  const frac = pos - lo;
  const a = sorted[lo] ?? 0;
  return frac === 0 ? a : a + frac * ((sorted[lo + 1] ?? a) - a);
}

/** The 2.5/10/90/97.5% error quantiles at one horizon step. */
export type StepQuantiles = readonly [number, number, number, number];

/**
 * The error quantiles behind {@link empiricalIntervals}, per horizon step, so one model's
 * errors can be sorted once and applied to many forecasts.
 */
export function errorQuantiles(
  stepErrors: readonly (readonly number[])[],
  kind: ErrorKind,
  options: IntervalOptions = {},
): StepQuantiles[] {
  const minSamples = options.minSamples ?? 30;
  const inflation = options.inflation ?? 1;
  const neutral = kind === 'relative' ? 1 : 0;
  // A typed array sorts numerically without a comparator call per comparison.
  const quantiles = (errors: readonly number[]): number[] => {
    const sorted = Float64Array.from(errors).sort();
    return [0.025, 0.1, 0.9, 0.975].map((p) => quantileSorted(sorted, p));
  };
  let last: { step: number; q: number[] } | null = null;
  const pooled: number[] = [];
  return stepErrors.map((errors, i) => {
    const step = i + 1;
    let q: number[];
    if (last === null) pooled.push(...errors);
    if (errors.length >= minSamples) {
      q = quantiles(errors);
      last = { step, q };
    } else if (last !== null) {
      const scale = Math.sqrt(step / last.step);
      q = last.q.map((v) => neutral + (v - neutral) * scale);
    } else if (pooled.length > 0) {
      q = quantiles(pooled);
    } else {
      q = [neutral, neutral, neutral, neutral];
    }
    const [a = neutral, b = neutral, c = neutral, d = neutral] = q.map(
      (v) => neutral + (v - neutral) * inflation,
    );
    return [a, b, c, d] as const;
  });
}

/** Intervals around `points` from per-step quantiles (see {@link errorQuantiles}). */
export function applyQuantiles(
  points: readonly number[],
  quantiles: readonly StepQuantiles[],
  kind: ErrorKind,
): PredictionInterval[] {
  return points.map((point, i) => {
    const [q025, q10, q90, q975] = quantiles[i] ?? quantiles[quantiles.length - 1] ?? [0, 0, 0, 0];
    const at = (v: number): number => (kind === 'relative' ? point * Math.max(0, v) : point + v);
    return {
      lower80: Math.min(point, at(q10)),
      upper80: Math.max(point, at(q90)),
      lower95: Math.min(point, at(q025)),
      upper95: Math.max(point, at(q975)),
    };
  });
}

/**
 * Prediction intervals from the empirical distribution of a model's own h-step-ahead errors
 * (the non-parametric intervals of Williams & Goodman, "A simple method for the construction of
 * empirical confidence limits for economic forecasts", 1971): for each step, the 2.5/10/90/97.5%
 * quantiles of that step's errors are added to (additive errors) or multiplied with (relative
 * errors) the point forecast. No normality is assumed, so skewed count noise gets skewed
 * intervals. A step with too few errors reuses the quantiles of the last step that had enough,
 * widened by √(h / h₀) as for a random walk; with no usable errors at all the interval is the
 * point itself.
 *
 * @example
 *   const model = fitHoltWinters(values, { period: 24, seasonality: 'additive' });
 *   const intervals = empiricalIntervals(model.forecast(24), stepErrors(model, 24), model.errorKind);
 */
export function empiricalIntervals(
  points: readonly number[],
  stepErrors: readonly (readonly number[])[],
  kind: ErrorKind,
  options: IntervalOptions = {},
): PredictionInterval[] {
  return applyQuantiles(
    points,
    errorQuantiles(stepErrors.slice(0, points.length), kind, options),
    kind,
  );
}

/**
 * How far outside (> 1) or inside (< 1) its interval an actual fell: the distance from the
 * point forecast to the actual over the distance to the bound on the actual's side. An interval
 * scaled by k around its point contains the actual exactly when this is ≤ k.
 */
export function intervalScore(actual: number, point: number, lower: number, upper: number): number {
  const distance = actual - point;
  const room = distance >= 0 ? upper - point : point - lower;
  if (room > 0) return Math.abs(distance) / room;
  return distance === 0 ? 0 : Number.POSITIVE_INFINITY;
}

/**
 * The widening factor that makes intervals cover `level` of held-out actuals, from their
 * {@link intervalScore}s: the `level` quantile of the scores (split-conformal calibration,
 * Vovk et al. 2005, on normalised scores), kept within [min, max] because a validation window
 * of a few days is a small sample. 1 when there are no scores.
 */
export function calibrationFactor(
  scores: readonly number[],
  level: number,
  min = 0.6,
  max = 3,
): number {
  if (scores.length === 0) return 1;
  const sorted = Float64Array.from(scores).sort();
  const k = quantileSorted(sorted, level);
  return Number.isFinite(k) ? Math.min(max, Math.max(min, k)) : max;
}

/** `interval` widened (or narrowed) around `point` by k80 and k95 respectively. */
export function scaleInterval(
  point: number,
  interval: PredictionInterval,
  k80: number,
  k95: number,
): PredictionInterval {
  return {
    lower80: point - k80 * (point - interval.lower80),
    upper80: point + k80 * (interval.upper80 - point),
    lower95: point - k95 * (point - interval.lower95),
    upper95: point + k95 * (interval.upper95 - point),
  };
}
