import { stepErrors } from './forecast-model';
import { detectLevelShift, type LevelShift, relevel } from './level-shift';
import { selectModel } from './model-selection';
import { empiricalIntervals, scaleInterval } from './prediction-intervals';

/** A series to forecast: equally spaced values, oldest first. */
export interface ForecastInput {
  values: readonly number[];
  intervalMs: number;
  /** Epoch ms of values[0]. */
  start: number;
  /** Steps to forecast. */
  horizon: number;
  /** Counts and the like: forecasts and bounds are clamped at 0. */
  nonNegative?: boolean;
  /** Rates: forecasts and bounds are clamped into [0, 1]. */
  bounded01?: boolean;
}

/** One forecast step with its 80% and 95% prediction intervals. */
export interface ForecastPoint {
  /** Epoch ms of the interval forecast. */
  at: number;
  value: number;
  lower80: number;
  upper80: number;
  lower95: number;
  upper95: number;
}

/** The result of {@link forecast}. */
export interface Forecast {
  /** The model chosen, e.g. 'holt-winters-additive-daily'. */
  model: string;
  points: ForecastPoint[];
  /**
   * The chosen model's out-of-sample score on the validation window at the end of the history
   * (percentages; rolling origins, parameters fitted before the window); `horizon` is the steps
   * scored per origin, 0 (and NaN scores) when the history was too short to validate.
   */
  backtest: {
    mape: number | null;
    smape: number;
    coverage80: number;
    coverage95: number;
    horizon: number;
  };
  params: Record<string, number>;
  /**
   * The level shift found in the history (see {@link detectLevelShift}), or null; absent on
   * forecasts made before the detection existed (e.g. stored ones).
   */
  levelShift?: LevelShift | null;
}

const DAY_MS = 86_400_000;

/**
 * Forecasts one series: re-levels the history before a level shift if there is one
 * ({@link detectLevelShift}), picks a model by validation sMAPE ({@link selectModel}:
 * Holt–Winters daily additive/multiplicative, weekly additive, daily with weekday factors,
 * smoothed seasonal profile additive/multiplicative, damped trend, seasonal naive daily/weekly),
 * refits it on all
 * values and adds empirical 80%/95% intervals from its own multi-step in-sample errors, widened
 * or narrowed by how far such intervals missed on the validation window (in-sample errors of a
 * model with many seasonal indices are optimistic). The backtest reported is the winner's
 * validation score, before that calibration. Pure and deterministic; the seasonal period is
 * 24 h / intervalMs rounded, and there is none for intervals over 12 h.
 *
 * @example
 *   const f = forecast({ values: counts, intervalMs: 900_000, start, horizon: 96, nonNegative: true });
 *   const breach = crossing(f, '>', 10_000, 'pessimistic');
 */
export function forecast(input: ForecastInput): Forecast {
  const { values, intervalMs, start, horizon } = input;
  if (values.length === 0) throw new RangeError('values must not be empty');
  if (!values.every(Number.isFinite)) throw new RangeError('values must be finite numbers');
  if (!(intervalMs > 0 && Number.isFinite(intervalMs))) {
    throw new RangeError(`intervalMs must be positive, got ${intervalMs}`);
  }
  if (!(Number.isInteger(horizon) && horizon >= 1)) {
    throw new RangeError(`horizon must be a positive integer, got ${horizon}`);
  }
  const dailyPeriod = Math.round(DAY_MS / intervalMs);
  const clamp = clamper(input);
  // Everything before a level shift is moved to the new level, so that models neither chase
  // the step nor learn intervals from the misses around it.
  const levelShift = dailyPeriod >= 2 ? detectLevelShift(values, dailyPeriod) : null;
  const series = levelShift ? relevel(values, levelShift) : values;
  const selection = selectModel(series, { dailyPeriod, horizon, clamp });
  const { model } = selection;
  const predicted = model.forecast(horizon);
  const intervals = empiricalIntervals(predicted, stepErrors(model, horizon), model.errorKind);
  const validation = selection.scores[selection.kind];
  const points = predicted.map((v, i) => {
    const raw = intervals[i] ?? { lower80: v, upper80: v, lower95: v, upper95: v };
    const b = scaleInterval(v, raw, validation?.k80 ?? 1, validation?.k95 ?? 1);
    return {
      at: start + (values.length + i) * intervalMs,
      value: clamp(v),
      lower80: clamp(b.lower80),
      upper80: clamp(b.upper80),
      lower95: clamp(b.lower95),
      upper95: clamp(b.upper95),
    };
  });
  return {
    model: selection.kind,
    points,
    backtest: validation
      ? {
          mape: validation.mape,
          smape: validation.smape,
          coverage80: validation.coverage80,
          coverage95: validation.coverage95,
          horizon: validation.horizon,
        }
      : {
          mape: null,
          smape: Number.NaN,
          coverage80: Number.NaN,
          coverage95: Number.NaN,
          horizon: 0,
        },
    params: model.params,
    levelShift,
  };
}

/**
 * The first forecast point at which the series crosses `threshold` in direction `op`: its
 * value ('expected', the default) or, for 'pessimistic', the bound of the 95% interval on the
 * crossing side (upper95 for '>', lower95 for '<'). Null if no point crosses.
 *
 * @example
 *   crossing(f, '>', 0.05, 'pessimistic')?.at; // when the error rate may pass 5%
 */
export function crossing(
  f: Forecast,
  op: '>' | '<',
  threshold: number,
  mode: 'expected' | 'pessimistic' = 'expected',
): ForecastPoint | null {
  for (const p of f.points) {
    const v = mode === 'expected' ? p.value : op === '>' ? p.upper95 : p.lower95;
    if (op === '>' ? v > threshold : v < threshold) return p;
  }
  return null;
}

function clamper(input: ForecastInput): (v: number) => number {
  if (input.bounded01) return (v) => Math.min(1, Math.max(0, v));
  if (input.nonNegative) return (v) => Math.max(0, v);
  return (v) => v;
}
