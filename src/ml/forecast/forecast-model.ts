/**
 * How in-sample errors are measured: `additive` errors are `actual - predicted` (added to a point
 * forecast to make an interval), `relative` errors are `actual / predicted` (multiplied), which
 * suits models whose noise grows with the level.
 */
export type ErrorKind = 'additive' | 'relative';

/**
 * A forecasting model already fitted to one series. Every algorithm in this folder returns one,
 * so model selection, intervals and backtests can treat them alike.
 */
export interface FittedModel {
  /** Fitted parameters, for display and debugging (e.g. `alpha`, `beta`, `period`). */
  readonly params: Record<string, number>;
  /** How {@link stepErrors} measures an error for this model. */
  readonly errorKind: ErrorKind;
  /** The values the model has run over. */
  readonly values: readonly number[];
  /** The first origin whose forecasts are more than the initial guess (the warm-up). */
  readonly warmUp: number;
  /**
   * Point forecasts of values[origin], values[origin + 1], … (`horizon` of them) from the state
   * after values[origin − 1]; `origin` in [1, values.length]. Parameters stay as fitted.
   */
  forecastFrom(origin: number, horizon: number): number[];
  /** Point forecasts for the `horizon` steps after the last value. */
  forecast(horizon: number): number[];
  /**
   * The same parameters and initial state run over `values`, which must extend (start with) the
   * fitted ones: forecasts from origins past the fitted part are then out of sample.
   */
  extend(values: readonly number[]): FittedModel;
}

/**
 * In-sample multi-step errors of `model`: `result[h − 1]` holds the error of the h-step-ahead
 * forecast from every origin in [max(warmUp, 1), length − h], measured as `model.errorKind`
 * says (relative errors skip non-positive forecasts). Prediction intervals are quantiles of
 * these.
 */
export function stepErrors(model: FittedModel, horizon: number): number[][] {
  const { values } = model;
  const n = values.length;
  const errors: number[][] = Array.from({ length: horizon }, () => []);
  for (let origin = Math.max(1, model.warmUp); origin < n; origin++) {
    const predicted = model.forecastFrom(origin, Math.min(horizon, n - origin));
    predicted.forEach((f, i) => {
      const y = values[origin + i] ?? 0;
      if (model.errorKind === 'additive') errors[i]?.push(y - f);
      else if (f > 0) errors[i]?.push(y / f);
    });
  }
  return errors;
}
