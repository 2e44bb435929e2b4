import { type FittedModel } from './forecast-model';
import { minimizeBounded } from './nelder-mead';

/** Whether the seasonal pattern adds to the level or scales it. */
export type Seasonality = 'additive' | 'multiplicative';

/** Smoothing parameters: level, trend, season, and trend damping (1 = no damping). */
export interface HoltWintersParams {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
}

/** The structure of a Holt–Winters model; the parameters are fitted. */
export interface HoltWintersSpec {
  /** Points per season (e.g. 24 for a daily season of hourly points). */
  period: number;
  seasonality: Seasonality;
  /** Fit a damping factor phi in [0.8, 0.98] instead of a linear trend (default true). */
  damped?: boolean;
}

/** Level, trend and one seasonal index per phase; phase of time t is `t % period`. */
export interface HoltWintersState {
  level: number;
  trend: number;
  season: number[];
}

const BOUNDS = {
  alpha: [0.01, 0.99],
  beta: [0, 0.3],
  gamma: [0, 0.6],
  phi: [0.8, 0.98],
} as const;

/**
 * The state before the first value, from the first (up to two) full seasons: the level is the
 * first season's mean moved back to time −1 along the trend, the trend is the difference of the
 * two seasons' means per step (0 with one season), and each seasonal index is the mean deviation
 * (or ratio, multiplicative) of that phase from its season's de-trended mean. Needs at least one
 * full season, and strictly positive values for multiplicative seasonality.
 */
export function initialHoltWinters(
  values: readonly number[],
  spec: HoltWintersSpec,
): HoltWintersState {
  const m = spec.period;
  if (!(Number.isInteger(m) && m >= 2))
    throw new RangeError(`period must be an integer ≥ 2, got ${m}`);
  const seasons = Math.min(2, Math.floor(values.length / m));
  if (seasons < 1) throw new RangeError(`need at least one full season (${m} values)`);
  const multiplicative = spec.seasonality === 'multiplicative';
  if (multiplicative && values.some((v) => !(v > 0))) {
    throw new RangeError('multiplicative seasonality needs strictly positive values');
  }
  const means: number[] = [];
  for (let j = 0; j < seasons; j++) {
    let sum = 0;
    for (let i = 0; i < m; i++) sum += values[j * m + i] ?? 0;
    means.push(sum / m);
  }
  const first = means[0] ?? 0;
  const trend = seasons >= 2 ? ((means[1] ?? 0) - first) / m : 0;
  const season = new Array<number>(m).fill(0);
  for (let i = 0; i < m; i++) {
    let acc = 0;
    for (let j = 0; j < seasons; j++) {
      const base = (means[j] ?? 0) + trend * (i - (m - 1) / 2);
      const y = values[j * m + i] ?? 0;
      acc += multiplicative ? y / base : y - base;
    }
    season[i] = acc / seasons;
  }
  return { level: first - trend * ((m - 1) / 2 + 1), trend, season };
}

/** The trajectory of a run, for multi-step in-sample errors. */
interface Trace {
  level: Float64Array;
  trend: Float64Array;
  /** The seasonal index written at time t (for phase t % period). */
  season: Float64Array;
}

/**
 * Runs the Holt–Winters recursions (Winters 1960, in the error-correction form of Hyndman et al.,
 * "Forecasting with Exponential Smoothing", 2008, with Gardner's damped trend) over `values`
 * from `init`, returning the one-step-ahead sum of squared errors and the final state. The SSE
 * is +∞ when a multiplicative run leaves positive territory, so the optimiser avoids it.
 */
export function runHoltWinters(
  values: readonly number[],
  spec: HoltWintersSpec,
  params: HoltWintersParams,
  init: HoltWintersState,
  trace?: Trace,
): { sse: number; state: HoltWintersState } {
  const { alpha, beta, gamma, phi } = params;
  const m = spec.period;
  const multiplicative = spec.seasonality === 'multiplicative';
  const season = init.season.slice();
  let level = init.level;
  let trend = init.trend;
  let sse = 0;
  for (let t = 0; t < values.length; t++) {
    const y = values[t] ?? 0;
    const j = t % m;
    const s = season[j] ?? 0;
    const base = level + phi * trend;
    const predicted = multiplicative ? base * s : base + s;
    const e = y - predicted;
    sse += e * e;
    const nextLevel = multiplicative
      ? alpha * (y / s) + (1 - alpha) * base
      : alpha * (y - s) + (1 - alpha) * base;
    if (multiplicative && !(nextLevel > 0 && s > 0)) {
      return { sse: Number.POSITIVE_INFINITY, state: { level, trend, season } };
    }
    trend = beta * (nextLevel - level) + (1 - beta) * phi * trend;
    season[j] = multiplicative
      ? gamma * (y / nextLevel) + (1 - gamma) * s
      : gamma * (y - nextLevel) + (1 - gamma) * s;
    level = nextLevel;
    if (trace) {
      trace.level[t] = level;
      trace.trend[t] = trend;
      trace.season[t] = season[j] ?? 0;
    }
  }
  return { sse, state: { level, trend, season } };
}

/** phi + phi² + … + phi^h: how much of the trend h steps ahead carry. */
function dampedSteps(phi: number, h: number): number {
  if (phi === 1) return h;
  return (phi * (1 - phi ** h)) / (1 - phi);
}

/**
 * A Holt–Winters model fitted to one series. Parameters minimise the one-step-ahead SSE
 * (bounded Nelder–Mead from alpha 0.3, beta 0.02, gamma 0.1, phi 0.95; beta ≤ 0.3, gamma ≤ 0.6
 * keep trend and season from chasing noise), starting from {@link initialHoltWinters}.
 *
 * @example
 *   const model = fitHoltWinters(hourly, { period: 24, seasonality: 'additive' });
 *   const next24 = model.forecast(24);
 */
export function fitHoltWinters(
  values: readonly number[],
  spec: HoltWintersSpec,
  fixed?: Partial<HoltWintersParams>,
): HoltWintersModel {
  const damped = spec.damped ?? true;
  const init = initialHoltWinters(values, spec);
  const names = (['alpha', 'beta', 'gamma', 'phi'] as const).filter(
    (k) => fixed?.[k] === undefined && (k !== 'phi' || damped),
  );
  const start: HoltWintersParams = { alpha: 0.3, beta: 0.02, gamma: 0.1, phi: damped ? 0.95 : 1 };
  const params = { ...start, ...fixed };
  const toParams = (x: readonly number[]): HoltWintersParams => {
    const p = { ...params };
    names.forEach((k, i) => (p[k] = x[i] ?? p[k]));
    return p;
  };
  if (names.length > 0) {
    const result = minimizeBounded(
      (x) => runHoltWinters(values, spec, toParams(x), init).sse,
      names.map((k) => start[k]),
      {
        lower: names.map((k) => BOUNDS[k][0]),
        upper: names.map((k) => BOUNDS[k][1]),
        maxEvaluations: 60 * names.length,
        tolerance: 1e-6,
      },
    );
    Object.assign(params, toParams(result.x));
  }
  return new HoltWintersModel(values, { ...spec, damped }, params, init);
}

/** See {@link fitHoltWinters}. */
export class HoltWintersModel implements FittedModel {
  readonly errorKind;
  readonly params: Record<string, number>;
  readonly state: HoltWintersState;
  readonly sse: number;
  /** Origins start after the first season: before it the state is mostly the initial guess. */
  readonly warmUp: number;
  readonly #trace: Trace;

  constructor(
    readonly values: readonly number[],
    private readonly spec: HoltWintersSpec,
    readonly smoothing: HoltWintersParams,
    private readonly init: HoltWintersState,
  ) {
    const n = values.length;
    this.#trace = {
      level: new Float64Array(n),
      trend: new Float64Array(n),
      season: new Float64Array(n),
    };
    const run = runHoltWinters(values, spec, smoothing, init, this.#trace);
    this.state = run.state;
    this.sse = run.sse;
    this.errorKind =
      spec.seasonality === 'multiplicative' ? ('relative' as const) : ('additive' as const);
    this.params = { ...smoothing, period: spec.period };
    this.warmUp = spec.period;
  }

  forecast(horizon: number): number[] {
    return this.forecastFrom(this.values.length, horizon);
  }

  forecastFrom(origin: number, horizon: number): number[] {
    const m = this.spec.period;
    const t = origin - 1;
    const level = t >= 0 ? (this.#trace.level[t] ?? 0) : this.init.level;
    const trend = t >= 0 ? (this.#trace.trend[t] ?? 0) : this.init.trend;
    const multiplicative = this.spec.seasonality === 'multiplicative';
    const out: number[] = [];
    for (let h = 1; h <= horizon; h++) {
      const target = t + h;
      // The latest time at or before t that wrote the target's seasonal index.
      const written = target - m * Math.ceil(h / m);
      const s =
        written >= 0 ? (this.#trace.season[written] ?? 0) : (this.init.season[target % m] ?? 0);
      const base = level + dampedSteps(this.smoothing.phi, h) * trend;
      out.push(multiplicative ? base * s : base + s);
    }
    return out;
  }

  extend(values: readonly number[]): HoltWintersModel {
    return new HoltWintersModel(values, this.spec, this.smoothing, this.init);
  }
}
