import type { SparseVector } from '../text/hashed-ngrams';
import { softmax } from './calibration';
import { checkClass, checkVector, checkWeight, isFiniteArray } from './validate';

export interface SoftmaxRegressionOptions {
  /** Number of classes (labels are 0 … classes-1). */
  classes: number;
  /** L2 penalty λ on the weights (not the biases), per example (default 1e-5). */
  l2?: number;
  /** Initial learning rate η0 (default 0.5). */
  learningRate?: number;
}

/** Plain-JSON state of {@link SoftmaxRegression}. */
export interface SoftmaxRegressionState {
  version: 1;
  classes: number;
  l2: number;
  learningRate: number;
  /** SGD steps taken so far (drives the learning-rate schedule). */
  steps: number;
  bias: number[];
  /** Features with weights, ascending; `weights` holds `classes` weights per feature, row by row. */
  indices: number[];
  weights: number[];
}

/** Below this, the lazy L2 scale is folded into the weights to keep precision. */
const MIN_SCALE = 1e-9;

/** One training example for {@link SoftmaxRegression.fit}. */
export interface WeightedVector {
  x: SparseVector;
  label: number;
  weight?: number;
}

/**
 * Multinomial (softmax) logistic regression trained by stochastic gradient descent, one example
 * at a time, so a model can keep learning from each new label.
 *
 * Per example the loss is w·(−log p_y) + λ/2·‖W‖²; a step is
 * W ← (1 − ηλ)·W − η·w·(p − y)·xᵀ and b ← b − η·w·(p − y), with the schedule
 * η_t = η0 / (1 + η0·λ·t) (L. Bottou, "Stochastic Gradient Descent Tricks", 2012). The L2 shrink
 * is applied lazily through one global scale (W = s·V), so a step costs O(non-zeros × classes)
 * however many weights exist. Only features seen in training hold weights.
 *
 * @example
 *   const lr = new SoftmaxRegression({ classes: 3 });
 *   lr.fit(examples, 5, new SeededRandom(1).next);
 *   lr.learn({ indices: [4], values: [1] }, 2); // one more step
 */
export class SoftmaxRegression {
  readonly classes: number;
  readonly l2: number;
  readonly learningRate: number;
  #steps = 0;
  #scale = 1;
  readonly #bias: Float64Array;
  readonly #weights = new Map<number, Float64Array>();

  constructor(options: SoftmaxRegressionOptions) {
    if (!Number.isInteger(options.classes) || options.classes < 2) {
      throw new RangeError(`classes must be an integer >= 2, got ${options.classes}`);
    }
    const l2 = options.l2 ?? 1e-5;
    const eta = options.learningRate ?? 0.5;
    if (!(l2 >= 0 && Number.isFinite(l2))) throw new RangeError(`l2 must be >= 0, got ${l2}`);
    if (!(eta > 0 && Number.isFinite(eta))) {
      throw new RangeError(`learningRate must be positive, got ${eta}`);
    }
    this.classes = options.classes;
    this.l2 = l2;
    this.learningRate = eta;
    this.#bias = new Float64Array(options.classes);
  }

  get steps(): number {
    return this.#steps;
  }

  /** The learning rate of the next step. */
  get currentLearningRate(): number {
    return this.learningRate / (1 + this.learningRate * this.l2 * this.#steps);
  }

  /** Class scores W·x + b. */
  logits(x: SparseVector): number[] {
    const C = this.classes;
    const z = Array.from(this.#bias);
    const s = this.#scale;
    for (let k = 0; k < x.indices.length; k++) {
      const row = this.#weights.get(x.indices[k] as number);
      if (row === undefined) continue;
      const v = (x.values[k] as number) * s;
      for (let c = 0; c < C; c++) z[c] = (z[c] as number) + v * row[c]!;
    }
    return z;
  }

  predictProba(x: SparseVector): number[] {
    return softmax(this.logits(x));
  }

  /** One SGD step on one example. */
  learn(x: SparseVector, label: number, weight = 1): void {
    checkVector(x);
    checkClass(label, this.classes);
    checkWeight(weight);
    const eta = this.currentLearningRate;
    this.#steps++;
    const p = this.predictProba(x);
    if (this.l2 > 0) {
      this.#scale *= 1 - eta * this.l2;
      if (this.#scale < MIN_SCALE) this.#foldScale();
    }
    const C = this.classes;
    const g = p.map((pc, c) => eta * weight * (pc - (c === label ? 1 : 0)));
    for (let c = 0; c < C; c++) this.#bias[c]! -= g[c] as number;
    const inv = 1 / this.#scale;
    for (let k = 0; k < x.indices.length; k++) {
      const j = x.indices[k] as number;
      let row = this.#weights.get(j);
      if (row === undefined) {
        row = new Float64Array(C);
        this.#weights.set(j, row);
      }
      const v = (x.values[k] as number) * inv;
      for (let c = 0; c < C; c++) row[c]! -= (g[c] as number) * v;
    }
  }

  /** `epochs` passes over the examples, each in a fresh order drawn from `rng`. */
  fit(examples: readonly WeightedVector[], epochs: number, rng: () => number): this {
    if (!Number.isInteger(epochs) || epochs < 1) {
      throw new RangeError(`epochs must be an integer >= 1, got ${epochs}`);
    }
    const order = examples.map((_, i) => i);
    for (let e = 0; e < epochs; e++) {
      for (let i = order.length - 1; i > 0; i--) {
        const r = Math.floor(rng() * (i + 1));
        [order[i], order[r]] = [order[r] as number, order[i] as number];
      }
      for (const i of order) {
        const ex = examples[i] as WeightedVector;
        this.learn(ex.x, ex.label, ex.weight ?? 1);
      }
    }
    return this;
  }

  #foldScale(): void {
    for (const row of this.#weights.values()) {
      for (let c = 0; c < row.length; c++) row[c]! *= this.#scale;
    }
    this.#scale = 1;
  }

  toState(): SoftmaxRegressionState {
    const indices = [...this.#weights.keys()].sort((a, b) => a - b);
    const weights: number[] = [];
    for (const j of indices) {
      for (const w of this.#weights.get(j) as Float64Array) weights.push(w * this.#scale);
    }
    return {
      version: 1,
      classes: this.classes,
      l2: this.l2,
      learningRate: this.learningRate,
      steps: this.#steps,
      bias: [...this.#bias],
      indices,
      weights,
    };
  }

  /** Restores a state; throws TypeError when it is not a valid {@link SoftmaxRegressionState}. */
  static fromState(state: unknown): SoftmaxRegression {
    const s = state as Partial<SoftmaxRegressionState> | null;
    if (typeof s !== 'object' || s === null || s.version !== 1) {
      throw new TypeError('SoftmaxRegression state: expected an object with version 1');
    }
    const { classes, l2, learningRate, steps, bias, indices, weights } = s;
    if (!Number.isInteger(classes) || (classes as number) < 2) {
      throw new TypeError('SoftmaxRegression state: classes must be an integer >= 2');
    }
    const C = classes as number;
    if (typeof l2 !== 'number' || !(l2 >= 0) || !Number.isFinite(l2)) {
      throw new TypeError('SoftmaxRegression state: l2 must be >= 0');
    }
    if (typeof learningRate !== 'number' || !(learningRate > 0) || !Number.isFinite(learningRate)) {
      throw new TypeError('SoftmaxRegression state: learningRate must be positive');
    }
    if (!Number.isInteger(steps) || (steps as number) < 0) {
      throw new TypeError('SoftmaxRegression state: steps must be a count');
    }
    if (!isFiniteArray(bias, C)) throw new TypeError('SoftmaxRegression state: bad bias');
    if (!Array.isArray(indices) || !isFiniteArray(weights, indices.length * C)) {
      throw new TypeError('SoftmaxRegression state: weights must hold `classes` per index');
    }
    const sut = new SoftmaxRegression({ classes: C, l2, learningRate });
    sut.#steps = steps as number;
    sut.#bias.set(bias);
    for (let k = 0; k < indices.length; k++) {
      const j: unknown = indices[k];
      if (!Number.isInteger(j) || (j as number) < 0) {
        throw new TypeError(`SoftmaxRegression state: bad index at ${k}`);
      }
      sut.#weights.set(j as number, Float64Array.from(weights.slice(k * C, (k + 1) * C)));
    }
    return sut;
  }
}
