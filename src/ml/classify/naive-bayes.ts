import type { SparseVector } from '../text/hashed-ngrams';
import { checkClass, checkVector, checkWeight, isFiniteArray } from './validate';

export interface NaiveBayesOptions {
  /** Number of classes (labels are 0 … classes-1). */
  classes: number;
  /** Lidstone smoothing added to every (feature, class) count; 1 is Laplace (default 0.1). */
  alpha?: number;
}

/** Plain-JSON state of {@link MultinomialNaiveBayes}. */
export interface NaiveBayesState {
  version: 1;
  classes: number;
  alpha: number;
  /** Weighted number of documents of each class. */
  documents: number[];
  /** Weighted sum of feature counts of each class. */
  totals: number[];
  /** Features seen, ascending; `counts` holds `classes` counts per feature, row by row. */
  indices: number[];
  counts: number[];
}

/**
 * Multinomial naive Bayes over sparse count vectors (McCallum & Nigam, "A Comparison of Event
 * Models for Naive Bayes Text Classification", 1998), learnt one (weighted) example at a time.
 *
 * P(j | c) = (n_jc + α) / (N_c + α·V), with V the number of distinct features seen so far
 * (not the hash dimension, which would over-smooth); the class prior is Laplace-smoothed,
 * P(c) = (D_c + 1) / (D + C). Features never seen in training are skipped at prediction.
 * `logJoint` returns log P(c) + Σ_j x_j log P(j | c), the natural logits of a softmax.
 *
 * @example
 *   const nb = new MultinomialNaiveBayes({ classes: 2, alpha: 1 });
 *   nb.learn({ indices: [3, 7], values: [2, 1] }, 0);
 *   nb.predictProba({ indices: [3], values: [1] }); // [p0, p1]
 */
export class MultinomialNaiveBayes {
  readonly classes: number;
  readonly alpha: number;
  readonly #documents: Float64Array;
  readonly #totals: Float64Array;
  readonly #counts = new Map<number, Float64Array>();

  constructor(options: NaiveBayesOptions) {
    if (!Number.isInteger(options.classes) || options.classes < 2) {
      throw new RangeError(`classes must be an integer >= 2, got ${options.classes}`);
    }
    const alpha = options.alpha ?? 0.1;
    if (!(alpha > 0 && Number.isFinite(alpha))) {
      throw new RangeError(`alpha must be positive and finite, got ${alpha}`);
    }
    this.classes = options.classes;
    this.alpha = alpha;
    this.#documents = new Float64Array(options.classes);
    this.#totals = new Float64Array(options.classes);
  }

  /** Number of distinct features seen. */
  get vocabulary(): number {
    return this.#counts.size;
  }

  /** Adds one example's counts to its class, scaled by `weight`. */
  learn(x: SparseVector, label: number, weight = 1): void {
    checkVector(x);
    checkClass(label, this.classes);
    checkWeight(weight);
    if (weight === 0) return;
    this.#documents[label]! += weight;
    for (let k = 0; k < x.indices.length; k++) {
      const j = x.indices[k] as number;
      let row = this.#counts.get(j);
      if (row === undefined) {
        row = new Float64Array(this.classes);
        this.#counts.set(j, row);
      }
      const v = (x.values[k] as number) * weight;
      row[label]! += v;
      this.#totals[label]! += v;
    }
  }

  /** log P(c) + Σ x_j log P(j | c) for each class. */
  logJoint(x: SparseVector): number[] {
    const C = this.classes;
    const alpha = this.alpha;
    const out = new Array<number>(C);
    const denominators = new Array<number>(C);
    let documents = 0;
    for (let c = 0; c < C; c++) documents += this.#documents[c]!;
    const smoothV = alpha * Math.max(1, this.#counts.size);
    for (let c = 0; c < C; c++) {
      out[c] = Math.log((this.#documents[c]! + 1) / (documents + C));
      denominators[c] = Math.log(this.#totals[c]! + smoothV);
    }
    for (let k = 0; k < x.indices.length; k++) {
      const row = this.#counts.get(x.indices[k] as number);
      if (row === undefined) continue;
      const v = x.values[k] as number;
      for (let c = 0; c < C; c++) {
        out[c] = (out[c] as number) + v * (Math.log(row[c]! + alpha) - (denominators[c] as number));
      }
    }
    return out;
  }

  /** Posterior P(c | x). */
  predictProba(x: SparseVector): number[] {
    const z = this.logJoint(x);
    const max = Math.max(...z);
    let sum = 0;
    const p = z.map((v) => {
      const e = Math.exp(v - max);
      sum += e;
      return e;
    });
    return p.map((e) => e / sum);
  }

  toState(): NaiveBayesState {
    const indices = [...this.#counts.keys()].sort((a, b) => a - b);
    const counts: number[] = [];
    for (const j of indices) counts.push(...(this.#counts.get(j) as Float64Array));
    return {
      version: 1,
      classes: this.classes,
      alpha: this.alpha,
      documents: [...this.#documents],
      totals: [...this.#totals],
      indices,
      counts,
    };
  }

  /** Restores a state; throws TypeError when it is not a valid {@link NaiveBayesState}. */
  static fromState(state: unknown): MultinomialNaiveBayes {
    const s = state as Partial<NaiveBayesState> | null;
    if (typeof s !== 'object' || s === null || s.version !== 1) {
      throw new TypeError('NaiveBayes state: expected an object with version 1');
    }
    const { classes, alpha, documents, totals, indices, counts } = s;
    if (!Number.isInteger(classes) || (classes as number) < 2) {
      throw new TypeError('NaiveBayes state: classes must be an integer >= 2');
    }
    const C = classes as number;
    if (typeof alpha !== 'number' || !(alpha > 0 && Number.isFinite(alpha))) {
      throw new TypeError('NaiveBayes state: alpha must be positive');
    }
    if (!isFiniteArray(documents, C, 0) || !isFiniteArray(totals, C, 0)) {
      throw new TypeError('NaiveBayes state: documents and totals need one count per class');
    }
    if (!Array.isArray(indices) || !isFiniteArray(counts, indices.length * C, 0)) {
      throw new TypeError('NaiveBayes state: counts must hold `classes` counts per index');
    }
    const sut = new MultinomialNaiveBayes({ classes: C, alpha });
    sut.#documents.set(documents);
    sut.#totals.set(totals);
    for (let k = 0; k < indices.length; k++) {
      const j: unknown = indices[k];
      if (!Number.isInteger(j) || (j as number) < 0) {
        throw new TypeError(`NaiveBayes state: bad index at ${k}`);
      }
      sut.#counts.set(j as number, Float64Array.from(counts.slice(k * C, (k + 1) * C)));
    }
    return sut;
  }
}
