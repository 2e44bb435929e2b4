import { stepErrors } from './forecast-model';
import {
  candidateBandwidths,
  fitSeasonalProfile,
  SeasonalProfileModel,
  smoothCircular,
} from './seasonal-profile';

describe(smoothCircular.name, () => {
  it('averages each phase with its neighbours, weights 1, 2, 1, wrapping around', () => {
    expect(smoothCircular([0, 0, 4, 0], 1)).toEqual([0, 1, 2, 1]);
    expect(smoothCircular([9, 0, 0, 0, 0, 0], 2)).toEqual([3, 2, 1, 0, 1, 2]);
  });

  it('keeps the mean and leaves a flat profile alone', () => {
    const profile = [3, 9, 1, 4, 7, 2, 8, 5];
    const smoothed = smoothCircular(profile, 2);
    const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(smoothed)).toBeCloseTo(mean(profile), 12);
    expect(smoothCircular([5, 5, 5], 1)).toEqual([5, 5, 5]);
  });

  it('is the identity at bandwidth 0 and rejects a bad bandwidth', () => {
    expect(smoothCircular([1, 2, 3], 0)).toEqual([1, 2, 3]);
    expect(() => smoothCircular([1, 2, 3], 1.5)).toThrow(RangeError);
    expect(() => smoothCircular([1, Number.NaN], 1)).toThrow(RangeError);
  });
});

describe(candidateBandwidths.name, () => {
  it('runs from 0 to a sixth of the period', () => {
    expect(candidateBandwidths(24)).toEqual([0, 1, 2, 3, 4]);
    expect(candidateBandwidths(96)).toEqual([0, 1, 2, 3, 4, 6, 9, 14]);
    expect(candidateBandwidths(4)).toEqual([0]);
  });
});

describe(SeasonalProfileModel.name, () => {
  it('forecasts the mean of the last season times the averaged shape', () => {
    // Shapes (ratios to each season's mean): [0.5, 1.5] then [1, 1]; decay 1 averages them to
    // [0.75, 1.25]; the last season's mean is 4.
    const sut = new SeasonalProfileModel(
      [1, 3, 4, 4],
      { period: 2, seasonality: 'multiplicative' },
      { decay: 1, bandwidth: 0 },
    );
    expect(sut.forecast(3)).toEqual([3, 5, 3]);
  });

  it('with decay 0 and no smoothing is seasonal naive re-levelled, additively', () => {
    const sut = new SeasonalProfileModel(
      [10, 20, 30, 50],
      { period: 2, seasonality: 'additive' },
      { decay: 0, bandwidth: 0 },
    );
    // Last season [30, 50]: mean 40, shape [−10, +10].
    expect(sut.forecast(2)).toEqual([30, 50]);
    // From origin 3 the last complete season is [10, 20] (shape ±5) and the level (20 + 30) / 2.
    expect(sut.forecastFrom(3, 1)).toEqual([30]);
  });

  it('makes in-sample errors from earlier seasons only', () => {
    const sut = new SeasonalProfileModel(
      [1, 3, 4, 4],
      { period: 2, seasonality: 'additive' },
      { decay: 0, bandwidth: 0 },
    );
    // Origin 2: level 2, shape [−1, 1] → [1, 3] against [4, 4]; origin 3: level 3.5, shape of
    // season 0 at phase 1 → 4.5 against 4.
    expect(stepErrors(sut, 2)).toEqual([[3, -0.5], [1]]);
  });
});

describe(fitSeasonalProfile.name, () => {
  const daily = (t: number): number => 100 * (1 + 0.5 * Math.sin((2 * Math.PI * t) / 24));
  // Deterministic ±10% noise that does not repeat from day to day.
  const noisy = Array.from({ length: 24 * 5 }, (_, t) => daily(t) * (1 + 0.1 * Math.sin(t * 7.7)));

  it('smooths a noisy but smooth daily shape, and beats seasonal naive on the next day', () => {
    const sut = fitSeasonalProfile(noisy, { period: 24, seasonality: 'multiplicative' });
    expect(sut.params.bandwidth).toBeGreaterThan(0);
    const next = sut.forecast(24);
    const truth = Array.from({ length: 24 }, (_, i) => daily(noisy.length + i));
    const lastDay = noisy.slice(-24);
    const err = (f: readonly number[]): number =>
      f.reduce((acc, v, i) => acc + Math.abs(v - (truth[i] ?? 0)), 0);
    expect(err(next)).toBeLessThan(0.5 * err(lastDay));
  });

  it('keeps a sharp feature unsmoothed when the data insist on it', () => {
    const spiky = Array.from({ length: 24 * 4 }, (_, t) => (t % 24 === 12 ? 500 : 100));
    const sut = fitSeasonalProfile(spiky, { period: 24, seasonality: 'additive' });
    expect(sut.params.bandwidth).toBe(0);
    expect(sut.forecast(24)[12]).toBeCloseTo(500, 6);
  });

  it('needs a full season, and non-negative values for multiplicative seasonality', () => {
    expect(() => fitSeasonalProfile([1, 2, 3], { period: 4, seasonality: 'additive' })).toThrow(
      RangeError,
    );
    expect(() =>
      fitSeasonalProfile([1, -2, 3, 4], { period: 2, seasonality: 'multiplicative' }),
    ).toThrow(RangeError);
    expect(() =>
      fitSeasonalProfile([0, 0, 3, 4], { period: 2, seasonality: 'multiplicative' }),
    ).toThrow(RangeError);
  });
});
