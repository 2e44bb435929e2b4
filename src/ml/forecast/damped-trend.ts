import { type FittedModel } from './forecast-model';
import { minimizeBounded } from './nelder-mead';

/** Smoothing parameters of Holt's damped trend. */
export interface DampedTrendParams {
  alpha: number;
  beta: number;
  phi: number;
}

const LOWER = [0.01, 0, 0.8];
const UPPER = [0.99, 0.3, 0.98];

/**
 * Runs Holt's linear method with Gardner & McKenzie's damped trend ("Forecasting trends in time
 * series", 1985) over `values`: level ← alpha·y + (1−alpha)(level + phi·trend), trend ←
 * beta(level change) + (1−beta)·phi·trend. Starts from level = first value and trend = mean
 * first difference over the first (up to) 10 values. Returns the one-step SSE and a trace.
 */
export function runDampedTrend(
  values: readonly number[],
  params: DampedTrendParams,
): { sse: number; level: Float64Array; trend: Float64Array } {
  const { alpha, beta, phi } = params;
  const n = values.length;
  const k = Math.min(n - 1, 10);
  let level = values[0] ?? 0;
  let trend = k > 0 ? ((values[k] ?? 0) - level) / k : 0;
  // Step back once so that the first one-step forecast is of values[0] itself.
  level -= trend;
  const levels = new Float64Array(n);
  const trends = new Float64Array(n);
  let sse = 0;
  for (let t = 0; t < n; t++) {
    const y = values[t] ?? 0;
    const base = level + phi * trend;
    sse += (y - base) ** 2;
    const next = alpha * y + (1 - alpha) * base;
    trend = beta * (next - level) + (1 - beta) * phi * trend;
    level = next;
    levels[t] = level;
    trends[t] = trend;
  }
  return { sse, level: levels, trend: trends };
}

function dampedSteps(phi: number, h: number): number {
  return (phi * (1 - phi ** h)) / (1 - phi);
}

/**
 * Holt's damped-trend model, parameters fitted by one-step SSE (bounded Nelder–Mead): the model
 * for histories too short to see two full seasons. The damping (phi ≤ 0.98) keeps a trend
 * learnt from a few hours from being extrapolated linearly over a day.
 *
 * @example
 *   const model = fitDampedTrend(lastTenHours);
 *   const next = model.forecast(6);
 */
export function fitDampedTrend(values: readonly number[]): DampedTrendModel {
  if (values.length === 0) throw new RangeError('need at least one value');
  const toParams = (x: readonly number[]): DampedTrendParams => ({
    alpha: x[0] ?? 0.5,
    beta: x[1] ?? 0,
    phi: x[2] ?? 0.9,
  });
  const { x } = minimizeBounded((p) => runDampedTrend(values, toParams(p)).sse, [0.5, 0.05, 0.9], {
    lower: LOWER,
    upper: UPPER,
    maxEvaluations: 180,
    tolerance: 1e-6,
  });
  return new DampedTrendModel(values, toParams(x));
}

/** See {@link fitDampedTrend}. */
export class DampedTrendModel implements FittedModel {
  readonly errorKind = 'additive' as const;
  readonly params: Record<string, number>;
  readonly warmUp: number;
  readonly #level: Float64Array;
  readonly #trend: Float64Array;

  constructor(
    readonly values: readonly number[],
    readonly smoothing: DampedTrendParams,
  ) {
    const run = runDampedTrend(values, smoothing);
    this.#level = run.level;
    this.#trend = run.trend;
    this.params = { ...smoothing };
    this.warmUp = Math.min(5, Math.floor(values.length / 2));
  }

  forecast(horizon: number): number[] {
    return this.forecastFrom(this.values.length, horizon);
  }

  forecastFrom(origin: number, horizon: number): number[] {
    const level = this.#level[origin - 1] ?? 0;
    const trend = this.#trend[origin - 1] ?? 0;
    return Array.from(
      { length: horizon },
      (_, i) => level + dampedSteps(this.smoothing.phi, i + 1) * trend,
    );
  }

  extend(values: readonly number[]): DampedTrendModel {
    return new DampedTrendModel(values, this.smoothing);
  }
}
