import { MultinomialNaiveBayes } from './naive-bayes';

/**
 * Toy corpus over features a=0, b=1, c=2 with Laplace smoothing (α = 1, V = 3):
 * class 0: {a:2, b:1}, {a:1}  → N0 = 4, P(a|0) = 4/7, P(b|0) = 2/7, P(c|0) = 1/7
 * class 1: {b:1, c:2}         → N1 = 3, P(a|1) = 1/6, P(b|1) = 2/6, P(c|1) = 3/6
 * priors (D_c + 1)/(D + C): P(0) = 3/5, P(1) = 2/5.
 */
function toy(): MultinomialNaiveBayes {
  const sut = new MultinomialNaiveBayes({ classes: 2, alpha: 1 });
  sut.learn({ indices: [0, 1], values: [2, 1] }, 0);
  sut.learn({ indices: [0], values: [1] }, 0);
  sut.learn({ indices: [1, 2], values: [1, 2] }, 1);
  return sut;
}

describe(MultinomialNaiveBayes.name, () => {
  it('gives the hand-computed posterior of a 2-class toy corpus', () => {
    const joint0 = (3 / 5) * (4 / 7) * (1 / 7);
    const joint1 = (2 / 5) * (1 / 6) * (3 / 6);
    const p = toy().predictProba({ indices: [0, 2], values: [1, 1] });
    expect(p[0]).toBeCloseTo(joint0 / (joint0 + joint1), 12);
    expect(p[1]).toBeCloseTo(joint1 / (joint0 + joint1), 12);
  });

  it('returns log-joint probabilities and skips unseen features', () => {
    const z = toy().logJoint({ indices: [0, 2, 99], values: [1, 1, 5] });
    expect(z[0]).toBeCloseTo(Math.log((3 / 5) * (4 / 7) * (1 / 7)), 12);
    expect(z[1]).toBeCloseTo(Math.log((2 / 5) * (1 / 6) * (3 / 6)), 12);
  });

  it('uses Lidstone smoothing for alpha < 1', () => {
    const sut = new MultinomialNaiveBayes({ classes: 2, alpha: 0.5 });
    sut.learn({ indices: [0], values: [1] }, 0);
    sut.learn({ indices: [1], values: [1] }, 1);
    // P(a|0) = 1.5 / (1 + 0.5·2) = 0.75, P(a|1) = 0.5 / 2 = 0.25, equal priors.
    expect(sut.predictProba({ indices: [0], values: [1] })[0]).toBeCloseTo(0.75, 12);
  });

  it('learns incrementally: a weight of 2 equals learning the example twice', () => {
    const once = new MultinomialNaiveBayes({ classes: 2 });
    const twice = new MultinomialNaiveBayes({ classes: 2 });
    const x = { indices: [3, 8], values: [1, 2] };
    once.learn(x, 1, 2);
    twice.learn(x, 1);
    twice.learn(x, 1);
    expect(once.toState()).toEqual(twice.toState());
  });

  it('round-trips its state through JSON', () => {
    const x = { indices: [0, 1, 2], values: [1, 1, 1] };
    const copy = MultinomialNaiveBayes.fromState(JSON.parse(JSON.stringify(toy().toState())));
    expect(copy.logJoint(x)).toEqual(toy().logJoint(x));
  });

  it('rejects bad input and bad state', () => {
    const sut = toy();
    expect(() => sut.learn({ indices: [2, 1], values: [1, 1] }, 0)).toThrow(RangeError);
    expect(() => sut.learn({ indices: [1], values: [Number.NaN] }, 0)).toThrow(RangeError);
    expect(() => sut.learn({ indices: [1], values: [1] }, 2)).toThrow(RangeError);
    expect(() => sut.learn({ indices: [1], values: [1] }, 0, -1)).toThrow(RangeError);
    expect(() => new MultinomialNaiveBayes({ classes: 1 })).toThrow(RangeError);
    const state = toy().toState();
    expect(() => MultinomialNaiveBayes.fromState({ ...state, counts: [1] })).toThrow(TypeError);
    expect(() => MultinomialNaiveBayes.fromState({ ...state, alpha: 0 })).toThrow(TypeError);
    expect(() => MultinomialNaiveBayes.fromState(null)).toThrow(TypeError);
  });
});
