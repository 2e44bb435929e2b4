import { backtest, type IntervalForecast, rollingOrigins, score, smape } from './backtest';

const flat = (v: number, spread = 0): IntervalForecast => ({
  value: v,
  lower80: v - spread,
  upper80: v + spread,
  lower95: v - 2 * spread,
  upper95: v + 2 * spread,
});

describe(rollingOrigins.name, () => {
  it('takes the latest origins, stride apart, oldest first', () => {
    expect(rollingOrigins(10, { horizon: 2, origins: 3, stride: 2, minTrain: 3 })).toEqual([
      4, 6, 8,
    ]);
    expect(rollingOrigins(10, { horizon: 2, origins: 9, stride: 3, minTrain: 3 })).toEqual([5, 8]);
  });
});

describe(smape.name, () => {
  it('is 200·|a − f| / (|a| + |f|) averaged, in percent', () => {
    expect(smape([100, 0], [50, 0])).toBeCloseTo((200 * 50) / 150 / 2, 12);
  });
});

describe(backtest.name, () => {
  const values = [10, 20, 30, 40, 50, 60];

  it('scores a perfect forecaster as perfect', () => {
    const report = backtest(
      values,
      (h, n) => Array.from({ length: n }, (_, i) => flat(10 * (h.length + i + 1))),
      {
        horizon: 2,
        origins: 2,
      },
    );
    expect(report.origins).toEqual([2, 4]);
    const s = score(report.steps);
    expect(s).toEqual({ mape: 0, smape: 0, coverage80: 100, coverage95: 100, count: 4 });
  });

  it('reports per step: a last-value forecaster errs more further ahead', () => {
    const report = backtest(
      values,
      (h, n) => Array.from({ length: n }, () => flat(h[h.length - 1] ?? 0, 12)),
      {
        horizon: 2,
        origins: 2,
      },
    );
    // Origin 2: 20 vs 30, 40; origin 4: 40 vs 50, 60.
    const [first, second] = report.steps.map((s) => score([s]));
    expect(first?.mape).toBeCloseTo((100 * (10 / 30 + 10 / 50)) / 2, 12);
    expect(first?.coverage80).toBe(100);
    expect(second?.coverage80).toBe(0);
    expect(second?.coverage95).toBe(100);
  });
});
