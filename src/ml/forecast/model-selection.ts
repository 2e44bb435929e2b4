import { addPair, type AccuracyScore, emptySums, score } from './backtest';
import { fitDampedTrend } from './damped-trend';
import { type FittedModel, stepErrors } from './forecast-model';
import { fitHoltWinters } from './holt-winters';
import {
  applyQuantiles,
  calibrationFactor,
  errorQuantiles,
  intervalScore,
} from './prediction-intervals';
import { seasonalNaive } from './seasonal-naive';
import { fitSeasonalProfile } from './seasonal-profile';
import { fitWeekdayAdjusted } from './weekday-adjusted';

/** The models {@link selectModel} chooses among. */
export type ModelKind =
  | 'holt-winters-additive-daily'
  | 'holt-winters-multiplicative-daily'
  | 'holt-winters-additive-weekly'
  | 'holt-winters-additive-daily-weekday'
  | 'seasonal-profile-additive-daily'
  | 'seasonal-profile-multiplicative-daily'
  | 'damped-trend'
  | 'seasonal-naive'
  | 'seasonal-naive-weekly';

/** What the selection needs to know about the series. */
export interface SelectionOptions {
  /** Points per day (24 h / interval); below 2 there is no daily season. */
  dailyPeriod: number;
  /** Steps the forecast will be asked for. */
  horizon: number;
  /** Applied to forecasts and bounds before scoring (e.g. clamping counts at 0). */
  clamp?: (value: number) => number;
}

/** Out-of-sample accuracy of one candidate on the validation window. */
export interface ValidationScore extends AccuracyScore {
  /** Steps ahead scored from each origin. */
  horizon: number;
  /** Forecast origins in the window. */
  origins: number;
  /** Widening of 80% / 95% intervals that would have covered 80% / 95% of the window. */
  k80: number;
  k95: number;
}

/** A chosen model refitted on the whole history, with every candidate's validation score. */
export interface Selection {
  kind: ModelKind;
  model: FittedModel;
  /** Validation score per candidate tried (absent: not eligible; sMAPE NaN: failed to fit). */
  scores: Partial<Record<ModelKind, ValidationScore>>;
  /** Length of the validation window (0 when the history was too short to hold anything out). */
  validation: number;
}

/** Fits a model of `kind` to `values`. Throws if the history is too short for it. */
export function fitModel(
  kind: ModelKind,
  values: readonly number[],
  dailyPeriod: number,
): FittedModel {
  switch (kind) {
    case 'holt-winters-additive-daily':
      return fitHoltWinters(values, { period: dailyPeriod, seasonality: 'additive' });
    case 'holt-winters-multiplicative-daily':
      return fitHoltWinters(values, { period: dailyPeriod, seasonality: 'multiplicative' });
    case 'holt-winters-additive-weekly':
      return fitHoltWinters(values, { period: 7 * dailyPeriod, seasonality: 'additive' });
    case 'holt-winters-additive-daily-weekday':
      return fitWeekdayAdjusted(values, dailyPeriod, 'additive');
    case 'seasonal-profile-additive-daily':
      return fitSeasonalProfile(values, { period: dailyPeriod, seasonality: 'additive' });
    case 'seasonal-profile-multiplicative-daily':
      return fitSeasonalProfile(values, { period: dailyPeriod, seasonality: 'multiplicative' });
    case 'damped-trend':
      return fitDampedTrend(values);
    case 'seasonal-naive':
      return seasonalNaive(values, Math.max(1, dailyPeriod));
    case 'seasonal-naive-weekly':
      return seasonalNaive(values, Math.max(1, 7 * dailyPeriod));
  }
}

/**
 * The validation window: the last third of the history, at most a week (long enough to hold
 * a weekend, so weekly structure can win), and at least one step.
 */
export function validationLength(n: number, dailyPeriod: number): number {
  return Math.min(Math.floor(n / 3), Math.max(7 * dailyPeriod, 1));
}

/**
 * The candidates a history of `total` values can support when `train` of them are used to fit:
 * daily Holt–Winters needs two full days to fit on, multiplicative also strictly positive
 * values, the weekly models (weekly Holt–Winters, daily Holt–Winters with weekday factors)
 * two weeks of history and a week plus a day to fit on, the
 * seasonal-naive baselines and the seasonal profiles one full season (the multiplicative
 * profile also positive values); the damped trend always qualifies.
 */
export function eligibleModels(
  total: number,
  train: number,
  positive: boolean,
  dailyPeriod: number,
): ModelKind[] {
  const kinds: ModelKind[] = ['damped-trend'];
  const m = dailyPeriod;
  if (m < 2) return kinds;
  if (train >= m) kinds.push('seasonal-naive', 'seasonal-profile-additive-daily');
  if (train >= m && positive) kinds.push('seasonal-profile-multiplicative-daily');
  if (train >= 2 * m) kinds.push('holt-winters-additive-daily');
  if (train >= 2 * m && positive) kinds.push('holt-winters-multiplicative-daily');
  if (total >= 14 * m && train >= 8 * m) {
    kinds.push('holt-winters-additive-weekly', 'holt-winters-additive-daily-weekday');
  }
  if (total >= 14 * m && train >= 7 * m) kinds.push('seasonal-naive-weekly');
  return kinds;
}

/**
 * Scores `model` (fitted on a prefix of `values`) out of sample: it is run on, never refitted
 * to, the rest, forecasting `horizon` steps from origins `stride` apart in the window after the
 * prefix, with intervals from the prefix's own multi-step errors. This is a rolling-origin
 * evaluation with fixed parameters, which costs one fit instead of one per origin. It also
 * measures how much those in-sample intervals must widen to cover the window (k80, k95).
 */
export function validate(
  model: FittedModel,
  values: readonly number[],
  horizon: number,
  clamp: (value: number) => number = (v) => v,
): ValidationScore {
  const train = model.values.length;
  const window = values.length - train;
  const steps = Math.min(horizon, window);
  const stride = Math.max(1, Math.floor(steps / 8));
  const scores80: number[] = [];
  const scores95: number[] = [];
  const quantiles = errorQuantiles(stepErrors(model, steps), model.errorKind);
  const full = model.extend(values);
  const sums = emptySums();
  let origins = 0;
  for (let o = train; o + steps <= values.length; o += stride) {
    origins++;
    const points = full.forecastFrom(o, steps);
    const intervals = applyQuantiles(points, quantiles, model.errorKind);
    points.forEach((p, i) => {
      const b = intervals[i];
      if (!b) return;
      const y = values[o + i] ?? 0;
      scores80.push(intervalScore(y, p, b.lower80, b.upper80));
      scores95.push(intervalScore(y, p, b.lower95, b.upper95));
      addPair(sums, values[o + i] ?? 0, {
        value: clamp(p),
        lower80: clamp(b.lower80),
        upper80: clamp(b.upper80),
        lower95: clamp(b.lower95),
        upper95: clamp(b.upper95),
      });
    });
  }
  return {
    ...score([sums]),
    horizon: steps,
    origins,
    k80: calibrationFactor(scores80, 0.8),
    k95: calibrationFactor(scores95, 0.95),
  };
}

/**
 * Chooses a model by out-of-sample error: every eligible candidate ({@link eligibleModels}) is
 * fitted on the history minus its last {@link validationLength} values and scored by sMAPE
 * with {@link validate} on those; the winner is refitted on all values. A history too short to
 * hold anything out gets the damped trend.
 *
 * @example
 *   const { kind, model } = selectModel(values, { dailyPeriod: 24, horizon: 24 });
 */
export function selectModel(values: readonly number[], options: SelectionOptions): Selection {
  const n = values.length;
  const positive = values.every((v) => v > 0);
  const window = validationLength(n, options.dailyPeriod);
  const scores: Partial<Record<ModelKind, ValidationScore>> = {};
  let best: ModelKind = 'damped-trend';
  if (window >= 1 && n - window >= 2) {
    const train = values.slice(0, n - window);
    let bestScore = Number.POSITIVE_INFINITY;
    for (const kind of eligibleModels(n, train.length, positive, options.dailyPeriod)) {
      let s: ValidationScore;
      try {
        s = validate(
          fitModel(kind, train, options.dailyPeriod),
          values,
          options.horizon,
          options.clamp,
        );
      } catch {
        // A candidate that cannot fit (e.g. multiplicative on a run that turns negative) loses.
        s = {
          mape: null,
          smape: Number.NaN,
          coverage80: Number.NaN,
          coverage95: Number.NaN,
          count: 0,
          horizon: 0,
          origins: 0,
          k80: 1,
          k95: 1,
        };
      }
      scores[kind] = s;
      if (s.smape < bestScore) {
        bestScore = s.smape;
        best = kind;
      }
    }
  }
  return {
    kind: best,
    model: fitModel(best, values, options.dailyPeriod),
    scores,
    validation: window,
  };
}
