import { crossing, type Forecast, forecast } from './forecaster';

const HOUR = 3_600_000;
const daily = (t: number): number => Math.sin((2 * Math.PI * t) / 24);

describe(forecast.name, () => {
  const values = Array.from({ length: 24 * 8 }, (_, t) => 100 + 40 * daily(t) + ((t * 7) % 5) - 2);

  it('returns one point per step, timed after the last value, with ordered intervals', () => {
    const f = forecast({ values, intervalMs: HOUR, start: 1_000, horizon: 6 });
    expect(f.points).toHaveLength(6);
    expect(f.points[0]?.at).toBe(1_000 + values.length * HOUR);
    expect(f.points[5]?.at).toBe(1_000 + (values.length + 5) * HOUR);
    for (const p of f.points) {
      expect(p.lower95).toBeLessThanOrEqual(p.lower80);
      expect(p.lower80).toBeLessThanOrEqual(p.value);
      expect(p.value).toBeLessThanOrEqual(p.upper80);
      expect(p.upper80).toBeLessThanOrEqual(p.upper95);
    }
    expect(f.model).toMatch(/daily/);
    expect(f.backtest.horizon).toBe(6);
    expect(f.backtest.smape).toBeLessThan(3);
  });

  it('follows the daily cycle', () => {
    const f = forecast({ values, intervalMs: HOUR, start: 0, horizon: 24 });
    // values.length is a multiple of 24: step 6 is the peak (140), step 18 the trough (60).
    expect(f.points[5]?.value).toBeCloseTo(140, -1);
    expect(f.points[17]?.value).toBeCloseTo(60, -1);
  });

  it('re-levels the history before a level shift and forecasts at the new level', () => {
    const shifted = values.map((v, t) => (t >= 24 * 5 + 7 ? 1.5 * v : v));
    const f = forecast({ values: shifted, intervalMs: HOUR, start: 0, horizon: 24 });
    expect(f.levelShift?.kind).toBe('ratio');
    expect(f.levelShift?.index).toBe(24 * 5 + 7);
    expect(f.levelShift?.size).toBeCloseTo(1.5, 1);
    expect(f.points[5]?.value).toBeCloseTo(1.5 * 140, -1);
    expect(f.points[17]?.value).toBeCloseTo(1.5 * 60, -1);
    expect(forecast({ values, intervalMs: HOUR, start: 0, horizon: 24 }).levelShift).toBeNull();
  });

  it('clamps counts at 0 and rates into [0, 1]', () => {
    const falling = Array.from({ length: 30 }, (_, t) => Math.max(0, 30 - t));
    const counts = forecast({
      values: falling,
      intervalMs: HOUR,
      start: 0,
      horizon: 10,
      nonNegative: true,
    });
    for (const p of counts.points) expect(p.lower95).toBeGreaterThanOrEqual(0);
    const rates = Array.from({ length: 30 }, (_, t) => Math.min(1, 0.5 + t * 0.03));
    const r = forecast({ values: rates, intervalMs: HOUR, start: 0, horizon: 10, bounded01: true });
    for (const p of r.points) {
      expect(p.upper95).toBeLessThanOrEqual(1);
      expect(p.lower95).toBeGreaterThanOrEqual(0);
    }
  });

  it('rejects empty or non-finite values and a bad horizon', () => {
    expect(() => forecast({ values: [], intervalMs: HOUR, start: 0, horizon: 1 })).toThrow(
      RangeError,
    );
    expect(() =>
      forecast({ values: [1, Number.NaN], intervalMs: HOUR, start: 0, horizon: 1 }),
    ).toThrow(RangeError);
    expect(() => forecast({ values: [1, 2], intervalMs: HOUR, start: 0, horizon: 0 })).toThrow(
      RangeError,
    );
  });
});

describe(crossing.name, () => {
  const f: Forecast = {
    model: 'test',
    params: {},
    backtest: { mape: null, smape: 0, coverage80: 0, coverage95: 0, horizon: 0 },
    points: [
      { at: 1, value: 5, lower80: 4, upper80: 6, lower95: 3, upper95: 9 },
      { at: 2, value: 8, lower80: 6, upper80: 10, lower95: 4, upper95: 12 },
      { at: 3, value: 11, lower80: 8, upper80: 14, lower95: 6, upper95: 16 },
    ],
  };

  it('finds the first expected crossing', () => {
    expect(crossing(f, '>', 10)?.at).toBe(3);
    expect(crossing(f, '<', 6)?.at).toBe(1);
    expect(crossing(f, '>', 20)).toBeNull();
  });

  it('uses the 95% bound on the crossing side when pessimistic', () => {
    expect(crossing(f, '>', 8.5, 'pessimistic')?.at).toBe(1);
    expect(crossing(f, '<', 3.5, 'pessimistic')?.at).toBe(1);
    expect(crossing(f, '<', 3, 'pessimistic')).toBeNull();
  });
});
