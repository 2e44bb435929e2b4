import { stepErrors } from './forecast-model';
import { seasonalNaive } from './seasonal-naive';

describe(seasonalNaive.name, () => {
  it('repeats the last season', () => {
    expect(seasonalNaive([1, 2, 3, 4], 2).forecast(3)).toEqual([3, 4, 3]);
  });

  it('falls back to the last value with less than a season', () => {
    expect(seasonalNaive([1, 2, 3], 24).forecast(2)).toEqual([3, 3]);
  });

  it('measures multi-step errors against the value a season earlier', () => {
    // Origin 2 forecasts [1, 2] for actual [3, 4]; origin 3 forecasts 2 for actual 4.
    expect(stepErrors(seasonalNaive([1, 2, 3, 4], 2), 2)).toEqual([[2, 2], [2]]);
  });
});
