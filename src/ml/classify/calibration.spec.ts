import {
  brierScore,
  expectedCalibrationError,
  fitTemperature,
  softmax,
  temperatureNll,
} from './calibration';

describe(softmax.name, () => {
  it('computes softmax with and without a temperature', () => {
    const p = softmax([Math.log(3), 0]);
    expect(p[0]).toBeCloseTo(0.75, 12);
    expect(p[1]).toBeCloseTo(0.25, 12);
    const q = softmax([Math.log(3), 0], 2);
    expect(q[0]).toBeCloseTo(Math.sqrt(3) / (Math.sqrt(3) + 1), 12);
  });

  it('is stable for huge scores', () => {
    expect(softmax([1000, 1000])).toEqual([0.5, 0.5]);
  });

  it('rejects a non-positive temperature', () => {
    expect(() => softmax([1, 2], 0)).toThrow(RangeError);
  });
});

describe(fitTemperature.name, () => {
  it('finds T = z / ln(q / (1 − q)) when a score gap z is right a share q of the time', () => {
    // Scores [4, 0]; class 0 is right 3 times in 4: the NLL is least when σ(4/T) = 3/4.
    const logits = [
      [4, 0],
      [4, 0],
      [4, 0],
      [4, 0],
    ];
    const t = fitTemperature(logits, [0, 0, 0, 1]);
    expect(t).toBeCloseTo(4 / Math.log(3), 4);
    expect(temperatureNll(logits, [0, 0, 0, 1], t)).toBeLessThan(
      temperatureNll(logits, [0, 0, 0, 1], 1),
    );
  });

  it('sharpens an under-confident model (T < 1)', () => {
    expect(
      fitTemperature(
        [
          [0.1, 0],
          [0.1, 0],
          [0, 0.1],
        ],
        [0, 0, 1],
      ),
    ).toBeLessThan(0.1);
  });

  it('rejects mismatched or empty input', () => {
    expect(() => fitTemperature([], [])).toThrow(RangeError);
    expect(() => fitTemperature([[1, 0]], [2])).toThrow(RangeError);
  });
});

describe(expectedCalibrationError.name, () => {
  it('is the weighted gap between accuracy and confidence per bin', () => {
    expect(expectedCalibrationError([0.9, 0.9], [true, false])).toBeCloseTo(0.4, 12);
    // Bins (0.2, 0.3] and (0.7, 0.8]: each half the data, gaps 0.25 and 0.25.
    expect(expectedCalibrationError([0.25, 0.75], [false, true])).toBeCloseTo(0.25, 12);
    expect(expectedCalibrationError([1, 1], [true, true])).toBe(0);
  });

  it('rejects a confidence outside [0, 1]', () => {
    expect(() => expectedCalibrationError([1.5], [true])).toThrow(RangeError);
  });
});

describe(brierScore.name, () => {
  it('sums squared errors over classes and averages over examples', () => {
    expect(brierScore([[0.8, 0.2]], [0])).toBeCloseTo(0.08, 12);
    expect(
      brierScore(
        [
          [0.8, 0.2],
          [1, 0],
        ],
        [0, 1],
      ),
    ).toBeCloseTo((0.08 + 2) / 2, 12);
  });
});
