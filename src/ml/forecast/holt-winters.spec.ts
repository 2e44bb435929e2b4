import { stepErrors } from './forecast-model';
import {
  fitHoltWinters,
  HoltWintersModel,
  initialHoltWinters,
  runHoltWinters,
} from './holt-winters';

describe(initialHoltWinters.name, () => {
  it('takes level and seasonal deviations from the first seasons', () => {
    const init = initialHoltWinters([1, 2, 3, 1, 2, 3], { period: 3, seasonality: 'additive' });
    expect(init.trend).toBe(0);
    expect(init.level).toBe(2);
    expect(init.season).toEqual([-1, 0, 1]);
  });

  it('estimates the trend from the difference of the first two season means', () => {
    // Means 1.5 and 5.5 over period 2: trend 2 per step.
    const init = initialHoltWinters([1, 2, 5, 6], { period: 2, seasonality: 'additive' });
    expect(init.trend).toBe(2);
    // First season mean 1.5 sits at t = 0.5; one step before t = 0 the level is 1.5 − 2·1.5.
    expect(init.level).toBe(-1.5);
  });

  it('uses ratios for multiplicative seasonality and refuses non-positive values', () => {
    const init = initialHoltWinters([2, 4, 2, 4], { period: 2, seasonality: 'multiplicative' });
    expect(init.level).toBe(3);
    expect(init.season[0]).toBeCloseTo(2 / 3, 12);
    expect(init.season[1]).toBeCloseTo(4 / 3, 12);
    expect(() =>
      initialHoltWinters([2, 0, 2, 4], { period: 2, seasonality: 'multiplicative' }),
    ).toThrow(RangeError);
  });
});

describe(runHoltWinters.name, () => {
  it('follows the additive recursions by hand', () => {
    const spec = { period: 2, seasonality: 'additive' as const };
    const init = { level: 10, trend: 0, season: [1, -1] };
    const params = { alpha: 0.5, beta: 0, gamma: 0, phi: 1 };
    // t=0: predict 10 + 1 = 11, y=13 (error 2) → level 0.5·(13 − 1) + 0.5·10 = 11.
    // t=1: predict 11 − 1 = 10, y=10 (error 0) → level 0.5·(10 + 1) + 0.5·11 = 11.
    const { sse, state } = runHoltWinters([13, 10], spec, params, init);
    expect(sse).toBe(4);
    expect(state.level).toBe(11);
    expect(state.season).toEqual([1, -1]);
  });
});

describe(fitHoltWinters.name, () => {
  const pattern = [5, 9, 14, 9, 5, 2];
  const periodic = Array.from({ length: 36 }, (_, t) => pattern[t % 6] ?? 0);

  it('forecasts a noise-free seasonal series exactly', () => {
    for (const seasonality of ['additive', 'multiplicative'] as const) {
      const model = fitHoltWinters(periodic, { period: 6, seasonality });
      const next = model.forecast(8);
      next.forEach((v, i) => expect(v).toBeCloseTo(pattern[(36 + i) % 6] ?? 0, 6));
    }
  });

  it('forecasts from an origin inside the history what a model fitted up to there would', () => {
    const params = { alpha: 0.4, beta: 0.1, gamma: 0.2, phi: 0.9 };
    const values = periodic.map((v, t) => v + t * 0.1 + (t % 5 === 0 ? 1 : 0));
    const spec = { period: 6, seasonality: 'additive' as const };
    const init = initialHoltWinters(values, spec);
    const full = new HoltWintersModel(values, spec, params, init);
    const prefix = new HoltWintersModel(values.slice(0, 20), spec, params, init);
    expect(full.forecastFrom(20, 7)).toEqual(prefix.forecast(7));
  });

  it('has zero multi-step errors on a noise-free seasonal series', () => {
    const model = fitHoltWinters(periodic, { period: 6, seasonality: 'additive' });
    for (const errors of stepErrors(model, 3)) {
      expect(errors.length).toBeGreaterThan(20);
      for (const e of errors) expect(Math.abs(e)).toBeLessThan(1e-6);
    }
  });
});
