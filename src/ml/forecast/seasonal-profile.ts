import { type FittedModel } from './forecast-model';
import { type Seasonality } from './holt-winters';

/** Parameters of a seasonal-profile model. */
export interface SeasonalProfileParams {
  /** Weight of a cycle relative to the next newer one in the profile average, in [0, 1]. */
  decay: number;
  /** Half-width, in phases, of the triangular kernel that smooths the profile (0: none). */
  bandwidth: number;
}

/** The structure of a seasonal-profile model; the parameters are fitted. */
export interface SeasonalProfileSpec {
  /** Points per season (e.g. 96 for a daily season of 15-min points). */
  period: number;
  seasonality: Seasonality;
}

const DECAYS = [0, 0.5, 0.8, 0.9, 1] as const;

/**
 * Circular smoothing with the triangular kernel of half-width `bandwidth`: out[j] is the
 * weighted mean of profile[j − b … j + b] (indices modulo the length) with weights b + 1 − |d|.
 * The mean of the profile is preserved. A local average is a shrinkage of each phase toward
 * its neighbours: it trades a little bias at sharp features for far less noise when each phase
 * is estimated from a handful of cycles (the cycle-subseries smoothing of STL, Cleveland et al.,
 * "STL: A seasonal-trend decomposition procedure based on loess", 1990, across instead of along
 * the cycles).
 *
 * @example
 *   smoothCircular([0, 0, 4, 0], 1); // [0, 1, 2, 1]: weights 1, 2, 1 over 4
 */
export function smoothCircular(profile: readonly number[], bandwidth: number): number[] {
  const m = profile.length;
  if (!(Number.isInteger(bandwidth) && bandwidth >= 0)) {
    throw new RangeError(`bandwidth must be a non-negative integer, got ${bandwidth}`);
  }
  if (!profile.every(Number.isFinite)) throw new RangeError('profile must be finite numbers');
  if (bandwidth === 0 || m === 0) return profile.slice();
  const b = Math.min(bandwidth, Math.floor((m - 1) / 2));
  const total = (b + 1) * (b + 1);
  const out = new Array<number>(m).fill(0);
  for (let j = 0; j < m; j++) {
    let acc = 0;
    for (let d = -b; d <= b; d++) acc += (b + 1 - Math.abs(d)) * (profile[(j + d + m) % m] ?? 0);
    out[j] = acc / total;
  }
  return out;
}

/**
 * The profiles of a run: after each complete cycle c (values [c·m, (c+1)·m)), the decayed mean
 * over cycles 0…c of each cycle's values relative to its own mean (ratios, multiplicative;
 * differences, additive), smoothed by {@link smoothCircular}. Row c starts at c·m.
 */
function profiles(
  values: readonly number[],
  spec: SeasonalProfileSpec,
  params: SeasonalProfileParams,
): Float64Array {
  const m = spec.period;
  const cycles = Math.floor(values.length / m);
  const out = new Float64Array(cycles * m);
  const sums = new Array<number>(m).fill(0);
  let weight = 0;
  for (let c = 0; c < cycles; c++) {
    let mean = 0;
    for (let j = 0; j < m; j++) mean += values[c * m + j] ?? 0;
    mean /= m;
    weight = params.decay * weight + 1;
    for (let j = 0; j < m; j++) {
      const y = values[c * m + j] ?? 0;
      // A season that averages 0 has no shape to scale; it counts as flat.
      const shape = spec.seasonality === 'multiplicative' ? (mean > 0 ? y / mean : 1) : y - mean;
      sums[j] = params.decay * (sums[j] ?? 0) + shape;
    }
    const smoothed = smoothCircular(
      sums.map((s) => s / weight),
      params.bandwidth,
    );
    out.set(smoothed, c * m);
  }
  return out;
}

/**
 * The bandwidths tried by {@link fitSeasonalProfile}: 0 to about a sixth of the period, in
 * steps that grow with it.
 */
export function candidateBandwidths(period: number): number[] {
  const max = Math.floor(period / 6);
  const out: number[] = [];
  for (let b = 0; b <= max; b = b < 4 ? b + 1 : Math.ceil(b * 1.5)) out.push(b);
  return out;
}

/**
 * The seasonal-profile model: the next values are the level (mean of the last season) times
 * (multiplicative) or plus (additive) a seasonal profile, the decayed average of the shape of
 * every complete past cycle, smoothed across neighbouring phases. With decay 0 and no smoothing
 * it is a re-levelled seasonal naive; with decay 1 it is classical decomposition's average
 * profile (Persons, 1919). Averaging cycles and neighbouring phases makes the profile far less
 * noisy than one season of values (seasonal naive) or per-phase smoothing (Holt–Winters) when
 * each phase has been seen only a few times, and the level taken from the last season follows a
 * level shift within one season. Decay and bandwidth are chosen on a grid by the one-step
 * squared error of forecasts made from profiles of earlier cycles only, so the fit criterion
 * is out of sample; with under one cycle to score, decay 1 and a bandwidth of about an hour's
 * worth of phases (period / 24) are used.
 *
 * @example
 *   const model = fitSeasonalProfile(quarterHourly, { period: 96, seasonality: 'multiplicative' });
 *   model.forecast(96);
 */
export function fitSeasonalProfile(
  values: readonly number[],
  spec: SeasonalProfileSpec,
): SeasonalProfileModel {
  const m = spec.period;
  if (!(Number.isInteger(m) && m >= 2)) {
    throw new RangeError(`period must be an integer ≥ 2, got ${m}`);
  }
  if (values.length < m) throw new RangeError(`need at least one full season (${m} values)`);
  if (!values.every(Number.isFinite)) throw new RangeError('values must be finite numbers');
  if (spec.seasonality === 'multiplicative') {
    if (values.some((v) => v < 0)) {
      throw new RangeError('multiplicative seasonality needs non-negative values');
    }
    for (let c = 0; (c + 1) * m <= values.length; c++) {
      if (!values.slice(c * m, (c + 1) * m).some((v) => v > 0)) {
        throw new RangeError('multiplicative seasonality needs every season to average above 0');
      }
    }
  }
  let best: SeasonalProfileParams = { decay: 1, bandwidth: Math.round(m / 24) };
  if (values.length > m) {
    let bestSse = Number.POSITIVE_INFINITY;
    for (const bandwidth of candidateBandwidths(m)) {
      for (const decay of DECAYS) {
        const sse = new SeasonalProfileModel(values, spec, { decay, bandwidth }).oneStepSse();
        if (sse < bestSse) {
          bestSse = sse;
          best = { decay, bandwidth };
        }
      }
    }
  }
  return new SeasonalProfileModel(values, spec, best);
}

/** See {@link fitSeasonalProfile}. */
export class SeasonalProfileModel implements FittedModel {
  readonly errorKind;
  readonly params: Record<string, number>;
  /** Forecasts need one complete season before the origin. */
  readonly warmUp: number;
  readonly #profiles: Float64Array;
  /** prefix[t] = values[0] + … + values[t − 1]. */
  readonly #prefix: Float64Array;

  constructor(
    readonly values: readonly number[],
    private readonly spec: SeasonalProfileSpec,
    readonly smoothing: SeasonalProfileParams,
  ) {
    this.errorKind =
      spec.seasonality === 'multiplicative' ? ('relative' as const) : ('additive' as const);
    this.params = { ...smoothing, period: spec.period };
    this.warmUp = spec.period;
    this.#profiles = profiles(values, spec, smoothing);
    this.#prefix = new Float64Array(values.length + 1);
    values.forEach((v, t) => (this.#prefix[t + 1] = (this.#prefix[t] ?? 0) + v));
  }

  forecast(horizon: number): number[] {
    return this.forecastFrom(this.values.length, horizon);
  }

  forecastFrom(origin: number, horizon: number): number[] {
    const m = this.spec.period;
    const o = Math.min(Math.max(origin, 1), this.values.length);
    if (o < m) {
      // Before a full season: the mean so far, flat.
      const mean = (this.#prefix[o] ?? 0) / o;
      return new Array<number>(horizon).fill(mean);
    }
    // The last season covers every phase once, and each profile averages to 1 (0), so its
    // mean is the level.
    const level = ((this.#prefix[o] ?? 0) - (this.#prefix[o - m] ?? 0)) / m;
    const row = (Math.floor(o / m) - 1) * m;
    const multiplicative = this.spec.seasonality === 'multiplicative';
    return Array.from({ length: horizon }, (_, i) => {
      const s = this.#profiles[row + ((o + i) % m)] ?? (multiplicative ? 1 : 0);
      return multiplicative ? level * s : level + s;
    });
  }

  /** Sum of squared one-step errors over every origin with a complete season before it. */
  oneStepSse(): number {
    const m = this.spec.period;
    const multiplicative = this.spec.seasonality === 'multiplicative';
    let sse = 0;
    for (let o = m; o < this.values.length; o++) {
      const level = ((this.#prefix[o] ?? 0) - (this.#prefix[o - m] ?? 0)) / m;
      const s = this.#profiles[(Math.floor(o / m) - 1) * m + (o % m)] ?? 0;
      const e = (this.values[o] ?? 0) - (multiplicative ? level * s : level + s);
      sse += e * e;
    }
    return sse;
  }

  extend(values: readonly number[]): SeasonalProfileModel {
    return new SeasonalProfileModel(values, this.spec, this.smoothing);
  }
}
