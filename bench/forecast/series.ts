/**
 * Synthetic metric series with known structure for `npm run eval:forecast`: daily (and weekly)
 * seasonality, trend, level shifts and noise, all drawn from a seeded generator.
 */
import { SeededRandom } from '../../src/ml/anomaly/seeded-random';

export interface Series {
  values: number[];
  nonNegative?: boolean;
  bounded01?: boolean;
}

/** A family generates `n` values at `intervalMs` from a seed. */
export interface Family {
  name: string;
  /** Days of history before the first backtest origin, per interval. */
  historyDays: number;
  /** True seasonality exists (the ≥ 20% target applies). */
  seasonal: boolean;
  generate(n: number, intervalMs: number, seed: number): Series;
}

const HOUR_MS = 3_600_000;

function normal(rng: () => number): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Poisson draw: Knuth's product method for small means, a rounded normal above 30. */
function poisson(rng: () => number, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(rng)));
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rng();
  while (p > limit) {
    k++;
    p *= rng();
  }
  return k;
}

/** Hours since the start and hour of day of step t. */
function clock(t: number, intervalMs: number): { hours: number; hod: number; dow: number } {
  const hours = (t * intervalMs) / HOUR_MS;
  return { hours, hod: hours % 24, dow: Math.floor(hours / 24) % 7 };
}

const daily = (hod: number): number => Math.sin((2 * Math.PI * (hod - 9)) / 24);

/** What a family's value at one step sees: its clock, the seeded draws, and counts per hour scaled to the interval. */
type StepValue = (at: ReturnType<typeof clock>, rng: () => number, scale: number) => number;

/** A generator drawing `value` at every step, in order, from one seeded stream. */
function generator(bounds: Omit<Series, 'values'>, value: StepValue): Family['generate'] {
  return (n, intervalMs, seed) => {
    const rng = new SeededRandom(seed).next;
    const scale = intervalMs / HOUR_MS;
    return {
      ...bounds,
      values: Array.from({ length: n }, (_, t) => value(clock(t, intervalMs), rng, scale)),
    };
  };
}

const COUNTS = { nonNegative: true };
/** 400 records an hour, ±60% over the day. */
const dailyCounts = generator(COUNTS, ({ hod }, rng, scale) =>
  poisson(rng, 400 * scale * (1 + 0.6 * daily(hod))),
);

export const FAMILIES: Family[] = [
  { name: 'seasonal-counts', historyDays: 14, seasonal: true, generate: dailyCounts },
  {
    name: 'weekly-counts',
    historyDays: 21,
    seasonal: true,
    generate: generator(COUNTS, ({ hod, dow }, rng, scale) => {
      const weekend = dow >= 5 ? 0.5 : 1;
      return poisson(rng, 400 * scale * weekend * (1 + 0.6 * daily(hod)));
    }),
  },
  {
    name: 'multiplicative',
    historyDays: 14,
    seasonal: true,
    generate: generator(COUNTS, ({ hours, hod }, rng) => {
      const level = 50 * Math.exp((0.03 * hours) / 24);
      return level * (1 + 0.7 * daily(hod)) * Math.exp(0.08 * normal(rng));
    }),
  },
  {
    name: 'trend-season',
    historyDays: 14,
    seasonal: true,
    generate: generator(
      COUNTS,
      ({ hours, hod }, rng) => 200 + 0.5 * hours + 40 * daily(hod) + 8 * normal(rng),
    ),
  },
  {
    name: 'level-shift',
    historyDays: 14,
    seasonal: true,
    generate: generator(COUNTS, ({ hours, hod }, rng, scale) => {
      const shift = hours >= 10 * 24 + 5 ? 1.6 : 1;
      return poisson(rng, 300 * scale * shift * (1 + 0.5 * daily(hod)));
    }),
  },
  { name: 'short-history', historyDays: 1.5, seasonal: true, generate: dailyCounts },
  {
    name: 'noisy-rate',
    historyDays: 14,
    seasonal: true,
    generate: generator({ bounded01: true }, ({ hod }, rng, scale) => {
      const requests = Math.max(1, poisson(rng, 2000 * scale * (1 + 0.5 * daily(hod))));
      const p = 0.04 * (1 - 0.5 * daily(hod));
      return poisson(rng, requests * p) / requests;
    }),
  },
];
