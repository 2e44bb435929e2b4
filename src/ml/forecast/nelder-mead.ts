/** Options of {@link minimizeBounded}. */
export interface NelderMeadOptions {
  /** Lower bound per coordinate (inclusive). */
  lower: readonly number[];
  /** Upper bound per coordinate (inclusive). */
  upper: readonly number[];
  /** Objective evaluations allowed (default 200 × dimension). */
  maxEvaluations?: number;
  /** Stop once the simplex's objective values differ by less than this (default 1e-9, relative). */
  tolerance?: number;
  /** Initial simplex edge as a fraction of each coordinate's range (default 0.1). */
  step?: number;
}

/** The best point found and what it cost. */
export interface NelderMeadResult {
  x: number[];
  value: number;
  evaluations: number;
}

/**
 * Minimises `f` over a box with the Nelder–Mead downhill simplex (Nelder & Mead, "A simplex
 * method for function minimization", 1965; standard coefficients 1, 2, 0.5, 0.5). Bounds are
 * kept by clamping every trial point into the box, which is enough for the low-dimensional,
 * smooth-ish smoothing-parameter fits it is used for; non-finite objective values count as +∞
 * so a model can reject parameters it cannot run with. Deterministic: no randomness.
 *
 * @example
 *   const { x } = minimizeBounded(([a]) => (a - 0.3) ** 2, [0.5], { lower: [0], upper: [1] });
 */
export function minimizeBounded(
  f: (x: readonly number[]) => number,
  x0: readonly number[],
  options: NelderMeadOptions,
): NelderMeadResult {
  const dim = x0.length;
  const { lower, upper } = options;
  if (dim === 0) throw new RangeError('x0 must have at least one coordinate');
  if (lower.length !== dim || upper.length !== dim) {
    throw new RangeError('lower and upper must have the dimension of x0');
  }
  for (let i = 0; i < dim; i++) {
    if (!((lower[i] ?? 0) <= (upper[i] ?? 0))) throw new RangeError(`empty bound at ${i}`);
  }
  const maxEvaluations = options.maxEvaluations ?? 200 * dim;
  const tolerance = options.tolerance ?? 1e-9;
  const step = options.step ?? 0.1;

  const clamp = (x: number[]): number[] =>
    x.map((v, i) => Math.min(upper[i] ?? v, Math.max(lower[i] ?? v, v)));
  let evaluations = 0;
  const cost = (x: number[]): number => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };

  const start = clamp([...x0]);
  const simplex: number[][] = [start];
  for (let i = 0; i < dim; i++) {
    const p = [...start];
    const lo = lower[i] ?? 0;
    const hi = upper[i] ?? 0;
    const delta = (hi - lo) * step || 1e-3;
    // Step away from the nearer bound so the vertex does not collapse onto the start.
    p[i] = (p[i] ?? 0) + delta <= hi ? (p[i] ?? 0) + delta : (p[i] ?? 0) - delta;
    simplex.push(clamp(p));
  }
  let values = simplex.map(cost);

  while (evaluations < maxEvaluations) {
    const order = values.map((_, i) => i).sort((a, b) => (values[a] ?? 0) - (values[b] ?? 0));
    const sorted = order.map((i) => simplex[i] ?? start);
    values = order.map((i) => values[i] ?? Number.POSITIVE_INFINITY);
    for (let i = 0; i <= dim; i++) simplex[i] = sorted[i] ?? start;
    const best = values[0] ?? 0;
    const worst = values[dim] ?? 0;
    if (Math.abs(worst - best) <= tolerance * (Math.abs(best) + tolerance)) break;

    const centroid = new Array<number>(dim).fill(0);
    for (let i = 0; i < dim; i++) {
      for (let k = 0; k < dim; k++) centroid[k] = (centroid[k] ?? 0) + (simplex[i]?.[k] ?? 0) / dim;
    }
    const worstPoint = simplex[dim] ?? start;
    const along = (t: number): number[] =>
      clamp(centroid.map((c, k) => c + t * (c - (worstPoint[k] ?? 0))));

    const reflected = along(1);
    const fr = cost(reflected);
    const secondWorst = values[dim - 1] ?? 0;
    if (fr < best) {
      const expanded = along(2);
      const fe = cost(expanded);
      if (fe < fr) replaceWorst(expanded, fe);
      else replaceWorst(reflected, fr);
    } else if (fr < secondWorst) {
      replaceWorst(reflected, fr);
    } else {
      const contracted = fr < worst ? along(0.5) : along(-0.5);
      const fc = cost(contracted);
      if (fc < Math.min(fr, worst)) {
        replaceWorst(contracted, fc);
      } else {
        // Shrink every vertex halfway towards the best one.
        const bestPoint = simplex[0] ?? start;
        for (let i = 1; i <= dim; i++) {
          const p = (simplex[i] ?? start).map(
            (v, k) => (bestPoint[k] ?? 0) + 0.5 * (v - (bestPoint[k] ?? 0)),
          );
          simplex[i] = clamp(p);
          values[i] = cost(simplex[i] ?? start);
        }
      }
    }
  }

  let bestIndex = 0;
  for (let i = 1; i < values.length; i++) {
    if ((values[i] ?? Infinity) < (values[bestIndex] ?? Infinity)) bestIndex = i;
  }
  return { x: simplex[bestIndex] ?? start, value: values[bestIndex] ?? Infinity, evaluations };

  function replaceWorst(point: number[], value: number): void {
    simplex[dim] = point;
    values[dim] = value;
  }
}
