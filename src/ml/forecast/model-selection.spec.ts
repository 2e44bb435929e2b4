import { eligibleModels, selectModel, validationLength } from './model-selection';

describe(eligibleModels.name, () => {
  it('offers only the damped trend without a daily season', () => {
    expect(eligibleModels(100, 80, true, 1)).toEqual(['damped-trend']);
  });

  it('needs two days to fit daily Holt–Winters and positive values for multiplicative', () => {
    expect(eligibleModels(40, 30, true, 24)).toEqual([
      'damped-trend',
      'seasonal-naive',
      'seasonal-profile-additive-daily',
      'seasonal-profile-multiplicative-daily',
    ]);
    expect(eligibleModels(72, 48, false, 24)).toEqual([
      'damped-trend',
      'seasonal-naive',
      'seasonal-profile-additive-daily',
      'holt-winters-additive-daily',
    ]);
  });

  it('offers the seasonal profile from one day, before Holt–Winters can fit', () => {
    expect(eligibleModels(30, 20, true, 24)).toEqual(['damped-trend']);
    expect(eligibleModels(36, 24, true, 24)).toContain('seasonal-profile-multiplicative-daily');
    expect(eligibleModels(36, 24, true, 24)).not.toContain('holt-winters-additive-daily');
  });

  it('adds the weekly models from two weeks of history', () => {
    expect(eligibleModels(14 * 24, 10 * 24, true, 24)).toContain('holt-winters-additive-weekly');
    expect(eligibleModels(13 * 24, 10 * 24, true, 24)).not.toContain('seasonal-naive-weekly');
  });
});

describe(validationLength.name, () => {
  it('is a third of the history, at most a week', () => {
    expect(validationLength(300, 24)).toBe(100);
    expect(validationLength(3000, 24)).toBe(168);
  });
});

describe(selectModel.name, () => {
  it('picks a seasonal model for a clean daily cycle', () => {
    const values = Array.from(
      { length: 24 * 6 },
      (_, t) => 100 + 30 * Math.sin((2 * Math.PI * t) / 24),
    );
    const { kind, scores } = selectModel(values, { dailyPeriod: 24, horizon: 24 });
    expect(kind).toMatch(/^holt-winters-.*-daily$|^seasonal-naive$/);
    expect(scores[kind]?.smape).toBeLessThan(1);
    expect(scores['damped-trend']?.smape).toBeGreaterThan(5);
  });

  it('falls back to the damped trend when nothing can be held out', () => {
    expect(selectModel([1, 2, 3], { dailyPeriod: 24, horizon: 5 }).kind).toBe('damped-trend');
  });

  it('prefers a trend model over seasonal naive for a straight line', () => {
    const values = Array.from({ length: 24 * 4 }, (_, t) => 50 + t);
    const { kind, model } = selectModel(values, { dailyPeriod: 24, horizon: 6 });
    expect(kind).not.toBe('seasonal-naive');
    expect(model.forecast(1)[0]).toBeCloseTo(50 + 96, 0);
  });
});
