import { type FittedModel } from './forecast-model';

/**
 * The seasonal-naive baseline: the forecast for a step is the value one season earlier (for
 * steps more than a season ahead, the last observed season repeated). With less than one
 * season of history it degrades to the plain naive forecast (the last value). Every other
 * model has to beat this to be worth its parameters.
 *
 * @example
 *   seasonalNaive([1, 2, 3, 4], 2).forecast(3); // [3, 4, 3]
 */
export function seasonalNaive(values: readonly number[], period: number): SeasonalNaiveModel {
  if (values.length === 0) throw new RangeError('need at least one value');
  if (!(Number.isInteger(period) && period >= 1)) {
    throw new RangeError(`period must be a positive integer, got ${period}`);
  }
  return new SeasonalNaiveModel(values, values.length >= period ? period : 1);
}

/** See {@link seasonalNaive}. */
export class SeasonalNaiveModel implements FittedModel {
  readonly errorKind = 'additive' as const;
  readonly params: Record<string, number>;
  readonly warmUp: number;

  constructor(
    readonly values: readonly number[],
    readonly period: number,
  ) {
    this.params = { period };
    this.warmUp = period;
  }

  forecast(horizon: number): number[] {
    return this.forecastFrom(this.values.length, horizon);
  }

  forecastFrom(origin: number, horizon: number): number[] {
    const m = Math.min(this.period, origin);
    return Array.from({ length: horizon }, (_, i) => this.values[origin - m + (i % m)] ?? 0);
  }

  extend(values: readonly number[]): SeasonalNaiveModel {
    return new SeasonalNaiveModel(values, this.period);
  }
}
