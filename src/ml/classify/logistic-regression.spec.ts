import { SeededRandom } from '../anomaly/seeded-random';
import { SoftmaxRegression } from './logistic-regression';

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

describe(SoftmaxRegression.name, () => {
  it('takes the hand-computed first SGD step from zero weights', () => {
    const sut = new SoftmaxRegression({ classes: 2, learningRate: 0.5, l2: 0 });
    // p = [0.5, 0.5]; gradient (p − y)·x = [−0.5, 0.5]; step 0.5 → W_a = b = [0.25, −0.25].
    sut.learn({ indices: [0], values: [1] }, 0);
    const z = sut.logits({ indices: [0], values: [1] });
    expect(z[0]).toBeCloseTo(0.5, 12);
    expect(z[1]).toBeCloseTo(-0.5, 12);
    expect(sut.logits({ indices: [], values: [] })).toEqual([0.25, -0.25]);
  });

  it('shrinks weights (not biases) by L2 with the 1/(1 + η0·λ·t) schedule', () => {
    const sut = new SoftmaxRegression({ classes: 2, learningRate: 0.5, l2: 0.1 });
    sut.learn({ indices: [0], values: [1] }, 0); // as above: W_a = b = [0.25, −0.25]
    sut.learn({ indices: [1], values: [1] }, 1);
    // Step 2: η = 0.5 / (1 + 0.5·0.1·1); p = softmax(b) = [σ(0.5), 1 − σ(0.5)].
    const eta = 0.5 / 1.05;
    const g = eta * sigmoid(0.5);
    const wa = 0.25 * (1 - eta * 0.1);
    const b0 = 0.25 - g;
    const z = sut.logits({ indices: [0], values: [1] });
    expect(z[0]).toBeCloseTo(wa + b0, 12);
    expect(z[1]).toBeCloseTo(-wa - b0, 12);
    const zb = sut.logits({ indices: [1], values: [1] });
    expect(zb[0]).toBeCloseTo(-g + b0, 12);
    expect(sut.steps).toBe(2);
  });

  it('scales a step by the example weight', () => {
    const sut = new SoftmaxRegression({ classes: 2, learningRate: 0.5, l2: 0 });
    sut.learn({ indices: [0], values: [2] }, 1, 3);
    // gradient on W_a: 3·(p − y)·2 = [3, −3]; step 0.5 → [−1.5, 1.5]; bias [−0.75, 0.75].
    expect(sut.logits({ indices: [0], values: [1] })).toEqual([-2.25, 2.25]);
  });

  it('fits a separable toy problem', () => {
    const data = [
      { x: { indices: [0], values: [1] }, label: 0 },
      { x: { indices: [1], values: [1] }, label: 1 },
      { x: { indices: [2], values: [1] }, label: 2 },
      { x: { indices: [0, 3], values: [1, 1] }, label: 0 },
    ];
    const sut = new SoftmaxRegression({ classes: 3 }).fit(data, 30, new SeededRandom(3).next);
    for (const d of data) {
      const p = sut.predictProba(d.x);
      expect(p.indexOf(Math.max(...p))).toBe(d.label);
    }
  });

  it('round-trips its state through JSON and continues identically', () => {
    const sut = new SoftmaxRegression({ classes: 3, l2: 0.01 });
    sut.learn({ indices: [0, 4], values: [1, 0.5] }, 2);
    sut.learn({ indices: [4], values: [1] }, 1);
    const copy = SoftmaxRegression.fromState(JSON.parse(JSON.stringify(sut.toState())));
    const x = { indices: [0, 4], values: [0.3, 1] };
    sut.learn(x, 0);
    copy.learn(x, 0);
    const a = sut.logits(x);
    copy.logits(x).forEach((v, c) => expect(v).toBeCloseTo(a[c]!, 12));
  });

  it('rejects bad input and bad state', () => {
    const sut = new SoftmaxRegression({ classes: 2 });
    expect(() => sut.learn({ indices: [0, 0], values: [1, 1] }, 0)).toThrow(RangeError);
    expect(() => sut.learn({ indices: [0], values: [1] }, 5)).toThrow(RangeError);
    expect(() => sut.fit([], 0, Math.random)).toThrow(RangeError);
    expect(() => new SoftmaxRegression({ classes: 2, learningRate: 0 })).toThrow(RangeError);
    const state = sut.toState();
    expect(() => SoftmaxRegression.fromState({ ...state, bias: [0] })).toThrow(TypeError);
    expect(() => SoftmaxRegression.fromState({ ...state, steps: -1 })).toThrow(TypeError);
    expect(() => SoftmaxRegression.fromState('x')).toThrow(TypeError);
  });
});
