import { type PredictionInterval } from './prediction-intervals';

/** A point forecast with its intervals, as every forecaster under test returns it. */
export interface IntervalForecast extends PredictionInterval {
  value: number;
}

/** Fits on `history` and forecasts the `horizon` steps after it. */
export type ForecastFunction = (history: readonly number[], horizon: number) => IntervalForecast[];

/** Options of {@link backtest}. */
export interface BacktestOptions {
  horizon: number;
  /** Forecast origins wanted (the latest ones that fit; default 5). */
  origins?: number;
  /** Steps between consecutive origins (default: the horizon). */
  stride?: number;
  /** Values an origin needs before it (default 1). */
  minTrain?: number;
}

/** Accuracy at one horizon step, or over several. Percentages, 0–100 (sMAPE 0–200). */
export interface AccuracyScore {
  /** Mean absolute percentage error over actuals ≠ 0; null when every actual is 0. */
  mape: number | null;
  /** Symmetric MAPE, 200·|a−f|/(|a|+|f|), 0 where both are 0. */
  smape: number;
  /** Share of actuals inside the 80% interval. */
  coverage80: number;
  /** Share of actuals inside the 95% interval. */
  coverage95: number;
  /** Forecast/actual pairs behind the figures. */
  count: number;
}

/** Running sums behind one {@link AccuracyScore}, so steps can be pooled. */
export interface AccuracySums {
  ape: number;
  apeCount: number;
  sape: number;
  in80: number;
  in95: number;
  count: number;
}

/** The result of {@link backtest}: `steps[h - 1]` is the score h steps ahead. */
export interface BacktestReport {
  origins: number[];
  steps: AccuracySums[];
}

/** Empty {@link AccuracySums}. */
export function emptySums(): AccuracySums {
  return { ape: 0, apeCount: 0, sape: 0, in80: 0, in95: 0, count: 0 };
}

/** Adds one forecast/actual pair to `sums`. */
export function addPair(sums: AccuracySums, actual: number, f: IntervalForecast): void {
  const denominator = Math.abs(actual) + Math.abs(f.value);
  sums.sape += denominator === 0 ? 0 : (2 * Math.abs(actual - f.value)) / denominator;
  if (actual !== 0) {
    sums.ape += Math.abs((actual - f.value) / actual);
    sums.apeCount++;
  }
  if (actual >= f.lower80 && actual <= f.upper80) sums.in80++;
  if (actual >= f.lower95 && actual <= f.upper95) sums.in95++;
  sums.count++;
}

/** Pools several {@link AccuracySums} into one score (pairs weigh equally). */
export function score(sums: readonly AccuracySums[]): AccuracyScore {
  const t = emptySums();
  for (const s of sums) {
    t.ape += s.ape;
    t.apeCount += s.apeCount;
    t.sape += s.sape;
    t.in80 += s.in80;
    t.in95 += s.in95;
    t.count += s.count;
  }
  const share = (x: number): number => (t.count === 0 ? Number.NaN : (100 * x) / t.count);
  return {
    mape: t.apeCount === 0 ? null : (100 * t.ape) / t.apeCount,
    smape: share(t.sape),
    coverage80: share(t.in80),
    coverage95: share(t.in95),
    count: t.count,
  };
}

/** sMAPE in percent of two equal-length arrays (0 where actual and forecast are both 0). */
export function smape(actual: readonly number[], predicted: readonly number[]): number {
  const sums = emptySums();
  actual.forEach((a, i) => {
    const v = predicted[i] ?? 0;
    addPair(sums, a, { value: v, lower80: v, upper80: v, lower95: v, upper95: v });
  });
  return score([sums]).smape;
}

/**
 * The origins of a rolling-origin evaluation (Tashman, "Out-of-sample tests of forecasting
 * accuracy", 2000): the latest `origins` indices o, `stride` apart, with o + horizon ≤ n and
 * o ≥ minTrain, oldest first. Each origin trains on values[0, o) and is scored on the next
 * `horizon` values.
 */
export function rollingOrigins(n: number, options: BacktestOptions): number[] {
  const { horizon, origins = 5, stride = horizon, minTrain = 1 } = options;
  const out: number[] = [];
  for (
    let o = n - horizon;
    o >= Math.max(1, minTrain) && out.length < origins;
    o -= Math.max(1, stride)
  ) {
    out.push(o);
  }
  return out.reverse();
}

/**
 * Rolling-origin backtest: refits `forecast` at every origin of {@link rollingOrigins} and scores
 * the next `horizon` values, per horizon step (MAPE, sMAPE, 80%/95% interval coverage). Pool
 * steps with {@link score}, e.g. `score(report.steps.slice(0, 4))` for "up to 4 steps ahead".
 *
 * @example
 *   const report = backtest(series, (h, n) => toIntervals(seasonalNaive(h, 24), n), { horizon: 24 });
 *   const { smape, coverage80 } = score(report.steps);
 */
export function backtest(
  values: readonly number[],
  forecast: ForecastFunction,
  options: BacktestOptions,
): BacktestReport {
  const origins = rollingOrigins(values.length, options);
  const steps = Array.from({ length: options.horizon }, emptySums);
  for (const o of origins) {
    const predicted = forecast(values.slice(0, o), options.horizon);
    for (let h = 0; h < options.horizon; h++) {
      const f = predicted[h];
      const s = steps[h];
      if (f && s) addPair(s, values[o + h] ?? 0, f);
    }
  }
  return { origins, steps };
}
