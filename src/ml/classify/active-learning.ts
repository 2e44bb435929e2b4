export type UncertaintyStrategy = 'margin' | 'entropy';

/**
 * How unsure a prediction is, in [0, 1]: `margin` is 1 − (p₁ − p₂) for the two most likely
 * classes; `entropy` is −Σ p log p divided by log K (K classes), so both read the same way.
 *
 * @example
 *   uncertainty([0.5, 0.5], 'margin'); // 1
 *   uncertainty([0.5, 0.5], 'entropy'); // 1
 */
export function uncertainty(
  probabilities: readonly number[],
  strategy: UncertaintyStrategy,
): number {
  if (probabilities.length < 2) throw new RangeError('uncertainty needs two or more classes');
  switch (strategy) {
    case 'margin': {
      let first = -Infinity;
      let second = -Infinity;
      for (const p of probabilities) {
        if (p > first) {
          second = first;
          first = p;
        } else if (p > second) second = p;
      }
      return 1 - (first - second);
    }
    case 'entropy': {
      let h = 0;
      for (const p of probabilities) if (p > 0) h -= p * Math.log(p);
      return h / Math.log(probabilities.length);
    }
  }
}

/** What active learning needs of a candidate: its pattern, to spread the picks. */
export interface LabellingCandidate {
  patternId?: string;
}

export interface SelectionOptions {
  /** Default 'margin' (Scheffer et al., 2001): it reads only the top two classes. */
  strategy?: UncertaintyStrategy;
  /** At most this many picks per pattern while other patterns have candidates (default 1). */
  perPattern?: number;
  /**
   * Information density (Settles & Craven, EMNLP 2008): multiply each uncertainty by
   * 1 + ln(n), n the number of candidates of its pattern, so that of two equally uncertain lines
   * the one whose label teaches about more lines is asked first (default true; with the
   * per-pattern cap this still spreads the picks).
   */
  density?: boolean;
}

export interface SelectedCandidate<T> {
  item: T;
  /** Position in the candidates array. */
  index: number;
  uncertainty: number;
}

/**
 * Uncertainty sampling (Lewis & Gale, SIGIR 1994; Settles, "Active Learning Literature Survey",
 * 2009) diversified across log patterns: the `k` candidates the model is least sure of, but at
 * most `perPattern` from any one pattern, so ten labels asked of a person cover ten different
 * kinds of line rather than ten copies of the most confusing one. When fewer than `k` patterns are
 * left, the cap is raised by `perPattern` and the next least certain are taken, until `k` are
 * picked or the candidates run out. A candidate without a pattern id is its own pattern. Ties keep
 * the candidates' order, so the result is deterministic.
 *
 * @example
 *   const ask = selectForLabelling(unlabelled, (c) => model.predict(c), 10);
 *   ask.map((s) => s.item); // show these to a person
 */
export function selectForLabelling<T extends LabellingCandidate>(
  candidates: readonly T[],
  predict: (candidate: T) => { probabilities: Record<string, number> | readonly number[] },
  k: number,
  options: SelectionOptions = {},
): SelectedCandidate<T>[] {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`k must be a count, got ${k}`);
  const perPattern = options.perPattern ?? 1;
  if (!Number.isInteger(perPattern) || perPattern < 1) {
    throw new RangeError(`perPattern must be an integer >= 1, got ${perPattern}`);
  }
  const strategy = options.strategy ?? 'margin';
  const key = (item: T, index: number): string => item.patternId ?? `\u0000${index}`;
  const sizes = new Map<string, number>();
  if (options.density ?? true) {
    candidates.forEach((c, i) => sizes.set(key(c, i), (sizes.get(key(c, i)) ?? 0) + 1));
  }
  const scored = candidates.map((item, index) => {
    const p = predict(item).probabilities;
    const values = Array.isArray(p) ? (p as readonly number[]) : Object.values(p);
    const u = uncertainty(values, strategy);
    const n = sizes.get(key(item, index));
    return { item, index, uncertainty: u, score: n === undefined ? u : u * (1 + Math.log(n)) };
  });
  scored.sort((a, b) => b.score - a.score || a.index - b.index);
  const picked: SelectedCandidate<T>[] = [];
  const taken = new Uint8Array(scored.length);
  const perKey = new Map<string, number>();
  for (let cap = perPattern; picked.length < Math.min(k, scored.length); cap += perPattern) {
    for (let r = 0; r < scored.length && picked.length < k; r++) {
      if (taken[r]) continue;
      const s = scored[r]!;
      const k = key(s.item, s.index);
      const used = perKey.get(k) ?? 0;
      if (used >= cap) continue;
      perKey.set(k, used + 1);
      taken[r] = 1;
      picked.push({ item: s.item, index: s.index, uncertainty: s.uncertainty });
    }
  }
  return picked;
}
