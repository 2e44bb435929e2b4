import { fitWeekdayAdjusted, weekdayFactors } from './weekday-adjusted';

const M = 4; // points per "day"
const shape = [1, 2, 3, 2];
const scale = [1, 1, 1, 1, 1, 0.5, 0.5]; // quiet weekends
const at = (t: number): number => 10 * (shape[t % M] ?? 0) * (scale[Math.floor(t / M) % 7] ?? 0);

describe(weekdayFactors.name, () => {
  it('is each weekday mean over the mean day, from whole weeks', () => {
    const values = Array.from({ length: 7 * M * 2 + 3 }, (_, t) => at(t));
    const factors = weekdayFactors(values, M);
    // Day means are 20 on weekdays and 10 at weekends: the mean day is 120 / 7.
    factors.slice(0, 5).forEach((f) => expect(f).toBeCloseTo(20 / (120 / 7), 12));
    factors.slice(5).forEach((f) => expect(f).toBeCloseTo(10 / (120 / 7), 12));
  });

  it('is all 1 with less than a week', () => {
    expect(weekdayFactors([1, 2, 3], M)).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });
});

describe(fitWeekdayAdjusted.name, () => {
  it('forecasts a daily shape scaled per weekday, weekends included', () => {
    const n = 7 * M * 3;
    const values = Array.from({ length: n }, (_, t) => at(t));
    const model = fitWeekdayAdjusted(values, M, 'additive');
    model.forecast(7 * M).forEach((v, i) => expect(v).toBeCloseTo(at(n + i), 4));
  });

  it('forecasts from inside the history once extended', () => {
    const values = Array.from({ length: 7 * M * 3 }, (_, t) => at(t) + (t % 3));
    const model = fitWeekdayAdjusted(values.slice(0, 7 * M * 2), M, 'additive');
    const extended = model.extend(values);
    expect(extended.forecastFrom(7 * M * 2, 5)).toEqual(model.forecast(5));
  });
});
