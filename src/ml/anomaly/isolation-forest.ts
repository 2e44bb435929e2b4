/** The persisted form of an {@link IsolationForest}: every tree's nodes in flat arrays. */
export interface IsolationForestState {
  /** The subsample size each tree was grown on (ψ), which normalises the path length. */
  sampleSize: number;
  dimensions: number;
  /** Index of each tree's root node. */
  roots: number[];
  /** Per node: the split feature, or -1 for a leaf. */
  feature: number[];
  /**
   * Per node: the split value (go left when x[feature] < value), or a leaf's sample count.
   * Split values and ranges are single precision (half the memory; exact through JSON).
   */
  value: number[];
  /** Per node: the index of the left child; the right child follows it. */
  left: number[];
  /** Per split node: the lowest and highest value of the split feature among its samples. */
  lo: number[];
  hi: number[];
}

/** Options of {@link IsolationForest.fit}. */
export interface IsolationForestOptions {
  /** Number of trees (default 100). */
  trees?: number;
  /** Subsample size per tree (ψ, default 256). */
  sampleSize?: number;
  /** Uniform [0, 1) source, e.g. `new SeededRandom(seed).next`. */
  rng: () => number;
}

const EULER_GAMMA = 0.5772156649015329;

/**
 * The average path length of an unsuccessful search in a binary search tree of `n` points,
 * c(n) = 2H(n-1) - 2(n-1)/n, which normalises isolation depths (Liu, Ting & Zhou 2008, eq. 1).
 */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

/**
 * Isolation forest: random axis-parallel splits isolate anomalies in few steps, so a point's
 * mean depth over many random trees, normalised by c(ψ), measures how easy it is to isolate.
 * F. T. Liu, K. M. Ting, Z.-H. Zhou, "Isolation Forest", ICDM 2008. One deviation: a split
 * picks among the features that still vary in the node (as scikit-learn's extra trees do), so
 * constant dimensions do not waste depth. One extension: a point beyond the range a node's
 * samples span in its split feature (which the original scores exactly like the most extreme
 * sample, however far out it lies) ends its path there with the probability that a split drawn
 * over the range widened to include the point would have isolated it at once; inside the
 * ranges the score is the original one.
 *
 * @example
 *   const forest = IsolationForest.fit(rows, { trees: 100, sampleSize: 256, rng });
 *   forest.score([0, 0]); // about 0.5 for a typical row, towards 1 for an outlier
 */
export class IsolationForest {
  private constructor(
    private readonly sampleSize: number,
    private readonly dimensions: number,
    private readonly roots: Int32Array,
    private readonly feature: Int32Array,
    private readonly value: Float32Array,
    private readonly left: Int32Array,
    private readonly lo: Float32Array,
    private readonly hi: Float32Array,
  ) {}

  /** Grows the forest on `samples` (rows of equal length); reads randomness only from `rng`. */
  static fit(
    samples: readonly (readonly number[])[],
    options: IsolationForestOptions,
  ): IsolationForest {
    const trees = options.trees ?? 100;
    const wanted = options.sampleSize ?? 256;
    if (!(Number.isInteger(trees) && trees >= 1)) throw new RangeError(`trees must be >= 1`);
    if (!(Number.isInteger(wanted) && wanted >= 2)) throw new RangeError(`sampleSize must be >= 2`);
    if (samples.length < 2) throw new RangeError(`need at least 2 samples, got ${samples.length}`);
    const dims = samples[0]!.length;
    for (const row of samples) {
      if (row.length !== dims) throw new RangeError('samples must all have the same length');
    }
    const psi = Math.min(wanted, samples.length);
    const heightLimit = Math.ceil(Math.log2(psi));
    const feature: number[] = [];
    const value: number[] = [];
    const left: number[] = [];
    const lows: number[] = [];
    const highs: number[] = [];
    const roots: number[] = [];
    const indices = samples.map((_, i) => i);
    const varying: number[] = [];

    const grow = (node: number, rows: number[], depth: number): void => {
      varying.length = 0;
      if (depth < heightLimit && rows.length > 1) {
        for (let d = 0; d < dims; d++) {
          const first = samples[rows[0]!]![d]!;
          if (rows.some((r) => samples[r]![d] !== first)) varying.push(d);
        }
      }
      if (varying.length === 0) {
        feature[node] = -1;
        value[node] = rows.length;
        left[node] = -1;
        lows[node] = highs[node] = 0;
        return;
      }
      const d = varying[Math.floor(options.rng() * varying.length)]!;
      let lo = Infinity;
      let hi = -Infinity;
      for (const r of rows) {
        const x = samples[r]![d]!;
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
      let split = Math.fround(lo + options.rng() * (hi - lo));
      if (!(split > lo && split <= hi)) split = hi;
      const l = feature.length;
      feature[node] = d;
      value[node] = split;
      left[node] = l;
      lows[node] = Math.fround(lo);
      highs[node] = Math.fround(hi);
      feature.push(-1, -1);
      value.push(0, 0);
      left.push(-1, -1);
      lows.push(0, 0);
      highs.push(0, 0);
      grow(
        l,
        rows.filter((r) => samples[r]![d]! < split),
        depth + 1,
      );
      grow(
        l + 1,
        rows.filter((r) => samples[r]![d]! >= split),
        depth + 1,
      );
    };

    for (let t = 0; t < trees; t++) {
      for (let i = 0; i < psi; i++) {
        const j = i + Math.floor(options.rng() * (indices.length - i));
        const tmp = indices[i]!;
        indices[i] = indices[j]!;
        indices[j] = tmp;
      }
      const root = feature.length;
      roots.push(root);
      feature.push(-1);
      value.push(0);
      left.push(-1);
      lows.push(0);
      highs.push(0);
      grow(root, indices.slice(0, psi), 0);
    }
    return new IsolationForest(
      psi,
      dims,
      Int32Array.from(roots),
      Int32Array.from(feature),
      Float32Array.from(value),
      Int32Array.from(left),
      Float32Array.from(lows),
      Float32Array.from(highs),
    );
  }

  static fromState(state: IsolationForestState): IsolationForest {
    const n = state.feature.length;
    if ([state.value, state.left, state.lo, state.hi].some((a) => a.length !== n)) {
      throw new RangeError('isolation forest state arrays differ in length');
    }
    return new IsolationForest(
      state.sampleSize,
      state.dimensions,
      Int32Array.from(state.roots),
      Int32Array.from(state.feature),
      Float32Array.from(state.value),
      Int32Array.from(state.left),
      Float32Array.from(state.lo),
      Float32Array.from(state.hi),
    );
  }

  get trees(): number {
    return this.roots.length;
  }

  /** The anomaly score s(x, ψ) = 2^(-E[h(x)] / c(ψ)) in (0, 1]: ≈0.5 typical, near 1 isolated. */
  score(x: readonly number[]): number {
    if (x.length !== this.dimensions) {
      throw new RangeError(`expected ${this.dimensions} dimensions, got ${x.length}`);
    }
    let total = 0;
    for (let t = 0; t < this.roots.length; t++) {
      let node = this.roots[t]!;
      let depth = 0;
      let alive = 1;
      for (;;) {
        const f = this.feature[node]!;
        if (f < 0) break;
        const v = x[f]!;
        const lo = this.lo[node]!;
        const hi = this.hi[node]!;
        const gap = v > hi ? v - hi : v < lo ? lo - v : 0;
        if (gap > 0) {
          const cut = gap / (gap + hi - lo);
          total += alive * cut * (depth + 1);
          alive *= 1 - cut;
        }
        node = this.left[node]! + (v < this.value[node]! ? 0 : 1);
        depth++;
      }
      total += alive * (depth + averagePathLength(this.value[node]!));
    }
    const norm = averagePathLength(this.sampleSize);
    return norm > 0 ? Math.pow(2, -total / this.roots.length / norm) : 0.5;
  }

  toState(): IsolationForestState {
    return {
      sampleSize: this.sampleSize,
      dimensions: this.dimensions,
      roots: Array.from(this.roots),
      feature: Array.from(this.feature),
      value: Array.from(this.value),
      left: Array.from(this.left),
      lo: Array.from(this.lo),
      hi: Array.from(this.hi),
    };
  }
}
