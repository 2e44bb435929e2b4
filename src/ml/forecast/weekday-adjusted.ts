import { type FittedModel } from './forecast-model';
import { fitHoltWinters, type HoltWintersModel, type Seasonality } from './holt-winters';

/** Factors are kept at least this large, so a weekday with no traffic cannot divide by 0. */
const MIN_FACTOR = 0.05;

/**
 * Day-of-week factors: each weekday's mean over the mean of all days, from the whole weeks at
 * the start of `values` (day d of the series is weekday d % 7; the calendar does not matter,
 * only the 7-day cycle). All 1 with less than one week, or when the series averages 0.
 */
export function weekdayFactors(values: readonly number[], dailyPeriod: number): number[] {
  const days = 7 * Math.floor(values.length / (7 * dailyPeriod));
  const sums = new Array<number>(7).fill(0);
  let total = 0;
  for (let t = 0; t < days * dailyPeriod; t++) {
    const dow = Math.floor(t / dailyPeriod) % 7;
    sums[dow] = (sums[dow] ?? 0) + (values[t] ?? 0);
    total += values[t] ?? 0;
  }
  if (days === 0 || total <= 0) return new Array<number>(7).fill(1);
  return sums.map((s) => Math.max(MIN_FACTOR, (7 * s) / total));
}

/**
 * Daily Holt–Winters on a series divided by day-of-week factors, the factors multiplied back
 * into the forecast: a weekly pattern that is the daily shape scaled per weekday (quieter
 * weekends) costs 7 numbers instead of a full weekly season of 7 × dailyPeriod indices, each
 * of which weekly Holt–Winters must learn from only two or three samples. A simplified
 * double-seasonal model in the spirit of Taylor, "Short-term electricity demand forecasting
 * using double seasonal exponential smoothing" (2003), with the weekly part fixed at fit time.
 *
 * @example
 *   const model = fitWeekdayAdjusted(hourly21Days, 24, 'additive');
 *   model.forecast(24);
 */
export function fitWeekdayAdjusted(
  values: readonly number[],
  dailyPeriod: number,
  seasonality: Seasonality,
): WeekdayAdjustedModel {
  const factors = weekdayFactors(values, dailyPeriod);
  const inner = fitHoltWinters(adjust(values, factors, dailyPeriod), {
    period: dailyPeriod,
    seasonality,
  });
  return new WeekdayAdjustedModel(values, dailyPeriod, factors, inner);
}

function adjust(values: readonly number[], factors: readonly number[], m: number): number[] {
  return values.map((v, t) => v / (factors[Math.floor(t / m) % 7] ?? 1));
}

/** See {@link fitWeekdayAdjusted}. */
export class WeekdayAdjustedModel implements FittedModel {
  readonly errorKind;
  readonly params: Record<string, number>;
  readonly warmUp: number;

  constructor(
    readonly values: readonly number[],
    private readonly dailyPeriod: number,
    readonly factors: readonly number[],
    private readonly inner: HoltWintersModel,
  ) {
    this.errorKind = inner.errorKind;
    this.warmUp = inner.warmUp;
    this.params = { ...inner.params };
    factors.forEach((f, i) => (this.params[`weekday${i}`] = f));
  }

  forecast(horizon: number): number[] {
    return this.forecastFrom(this.values.length, horizon);
  }

  forecastFrom(origin: number, horizon: number): number[] {
    return this.inner
      .forecastFrom(origin, horizon)
      .map((v, i) => v * (this.factors[Math.floor((origin + i) / this.dailyPeriod) % 7] ?? 1));
  }

  extend(values: readonly number[]): WeekdayAdjustedModel {
    const inner = this.inner.extend(adjust(values, this.factors, this.dailyPeriod));
    return new WeekdayAdjustedModel(values, this.dailyPeriod, this.factors, inner);
  }
}
