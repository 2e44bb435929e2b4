import { classificationMetrics, confusionMatrix, metricsFromConfusion } from './metrics';

describe(classificationMetrics.name, () => {
  // a: 2 right, 1 as b; b: 1 right, 1 as c; c: 1 right.
  const actual = ['a', 'a', 'a', 'b', 'b', 'c'];
  const predicted = ['a', 'a', 'b', 'b', 'c', 'c'];

  it('builds the confusion matrix, rows true and columns predicted', () => {
    expect(confusionMatrix(actual, predicted, ['a', 'b', 'c'])).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
  });

  it('computes per-class precision, recall, F1 and macro-F1 by hand', () => {
    const m = classificationMetrics(actual, predicted, ['a', 'b', 'c']);
    expect(m.accuracy).toBeCloseTo(4 / 6, 12);
    expect(m.perClass.a).toEqual({ precision: 1, recall: 2 / 3, f1: 0.8, support: 3 });
    expect(m.perClass.b!.f1).toBeCloseTo(0.5, 12);
    expect(m.perClass.c!.precision).toBeCloseTo(0.5, 12);
    expect(m.perClass.c!.f1).toBeCloseTo(2 / 3, 12);
    expect(m.macroF1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 12);
  });

  it('leaves a class that never occurs out of macro-F1', () => {
    const m = metricsFromConfusion(
      [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 0],
      ],
      ['a', 'b', 'z'],
    );
    expect(m.macroF1).toBe(1);
    expect(m.perClass.z).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
  });

  it('rejects unknown labels and mismatched lengths', () => {
    expect(() => classificationMetrics(['a'], ['q'], ['a'])).toThrow(RangeError);
    expect(() => classificationMetrics(['a'], [], ['a'])).toThrow(RangeError);
  });
});
