/** A step change in the deseasonalised level of a series. */
export interface LevelShift {
  /** First index of the new level. */
  index: number;
  /** 'ratio': the new level is `size` times the old; 'offset': the old plus `size`. */
  kind: 'ratio' | 'offset';
  size: number;
  /** Two-sample statistic of the change, in noise standard errors. */
  statistic: number;
}

/** Options of {@link detectLevelShift}. */
export interface LevelShiftOptions {
  /** Smallest statistic that counts as a change (default 6). */
  threshold?: number;
  /** Smallest change worth acting on, relative to the old level (default 0.1). */
  minChange?: number;
}

/** The best single split of `r` into two segments of at least `minSegment` values. */
export function bestSplit(
  r: readonly number[],
  sigma: number,
  minSegment: number,
): { index: number; before: number; after: number; statistic: number } | null {
  const n = r.length;
  if (n < 2 * minSegment || !(sigma > 0)) return null;
  const prefix = new Float64Array(n + 1);
  r.forEach((v, t) => (prefix[t + 1] = (prefix[t] ?? 0) + v));
  const total = prefix[n] ?? 0;
  let best: { index: number; before: number; after: number; statistic: number } | null = null;
  for (let k = minSegment; k <= n - minSegment; k++) {
    const before = (prefix[k] ?? 0) / k;
    const after = (total - (prefix[k] ?? 0)) / (n - k);
    const statistic = Math.abs(after - before) / (sigma * Math.sqrt(1 / k + 1 / (n - k)));
    if (best === null || statistic > best.statistic) best = { index: k, before, after, statistic };
  }
  return best;
}

/**
 * Noise scale of a series from its successive differences: the median absolute difference
 * over 0.6745·√2, a robust standard deviation that a level shift or slow drift barely moves.
 */
export function differenceScale(r: readonly number[]): number {
  const diffs = Float64Array.from({ length: Math.max(0, r.length - 1) }, (_, t) =>
    Math.abs((r[t + 1] ?? 0) - (r[t] ?? 0)),
  ).sort();
  if (diffs.length === 0) return 0;
  const mid = diffs.length >> 1;
  const median =
    diffs.length % 2 ? (diffs[mid] ?? 0) : ((diffs[mid - 1] ?? 0) + (diffs[mid] ?? 0)) / 2;
  return median / (0.6745 * Math.SQRT2);
}

/**
 * The series with its season of `period` removed: each value over (or, with any negative
 * value, minus) the median ratio (difference) of its phase to a moving average one season
 * long (classical decomposition with medians, robust to a step in the level).
 */
function deseasonalise(
  values: readonly number[],
  period: number,
): { r: number[]; kind: 'ratio' | 'offset' } {
  const m = period;
  const n = values.length;
  const half = Math.floor(m / 2);
  const prefix = new Float64Array(n + 1);
  values.forEach((v, t) => (prefix[t + 1] = (prefix[t] ?? 0) + v));
  let kind: 'ratio' | 'offset' = values.every((v) => v >= 0) ? 'ratio' : 'offset';
  const byPhase = (k: 'ratio' | 'offset'): number[] => {
    const samples: number[][] = Array.from({ length: m }, () => []);
    for (let t = half; t - half + m <= n; t++) {
      const level = ((prefix[t - half + m] ?? 0) - (prefix[t - half] ?? 0)) / m;
      const y = values[t] ?? 0;
      if (k === 'offset') samples[t % m]?.push(y - level);
      else if (level > 0) samples[t % m]?.push(y / level);
    }
    return samples.map((s) => {
      if (s.length === 0) return k === 'ratio' ? 1 : 0;
      const sorted = Float64Array.from(s).sort();
      const mid = sorted.length >> 1;
      return sorted.length % 2
        ? (sorted[mid] ?? 0)
        : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
    });
  };
  let season = byPhase(kind);
  if (kind === 'ratio' && season.some((s) => !(s > 0))) {
    kind = 'offset';
    season = byPhase(kind);
  }
  const r = values.map((y, t) => {
    const s = season[t % m] ?? (kind === 'ratio' ? 1 : 0);
    return kind === 'ratio' ? y / s : y - s;
  });
  return { r, kind };
}

/**
 * The level shift in `values` if there is exactly one: the series is deseasonalised (phase
 * medians of the ratio to a one-season moving average), the split maximising the two-sample
 * statistic |mean after − mean before| / (σ·√(1/n₁ + 1/n₂)) is found (the likelihood-ratio
 * test for one change in mean, Hinkley, "Inference about the change-point in a sequence of
 * random variables", 1970; σ from successive differences), and it counts when the statistic
 * passes `threshold`, the change passes `minChange` of the old level, each side is at least one
 * season long, and neither side has a change of its own that passes the threshold. That last
 * test keeps a weekly pattern (quiet weekends), a trend, or several shifts from passing as one
 * step: those are left to the models. Null when the series is shorter than three seasons.
 *
 * @example
 *   const shift = detectLevelShift(hourlyCounts, 24);
 *   if (shift?.kind === 'ratio') console.log(`×${shift.size} from ${shift.index}`);
 */
export function detectLevelShift(
  values: readonly number[],
  period: number,
  options: LevelShiftOptions = {},
): LevelShift | null {
  if (!(Number.isInteger(period) && period >= 2)) {
    throw new RangeError(`period must be an integer ≥ 2, got ${period}`);
  }
  if (!values.every(Number.isFinite)) throw new RangeError('values must be finite numbers');
  const threshold = options.threshold ?? 6;
  const minChange = options.minChange ?? 0.1;
  if (values.length < 3 * period) return null;
  const { r, kind } = deseasonalise(values, period);
  const sigma = differenceScale(r);
  const split = bestSplit(r, sigma, period);
  if (split === null || split.statistic < threshold) return null;
  const scale = kind === 'ratio' ? split.before : Math.abs(split.before) || sigma;
  if (!(scale > 0) || Math.abs(split.after - split.before) < minChange * scale) return null;
  for (const side of [r.slice(0, split.index), r.slice(split.index)]) {
    const inner = bestSplit(side, sigma, Math.max(1, Math.floor(period / 2)));
    if (inner !== null && inner.statistic >= threshold) return null;
  }
  return {
    index: split.index,
    kind,
    size: kind === 'ratio' ? split.after / split.before : split.after - split.before,
    statistic: split.statistic,
  };
}

/**
 * `values` with everything before `shift.index` moved to the new level (scaled by, or offset
 * by, the shift's size), so that models fitted to the whole history see one level.
 *
 * @example
 *   relevel([1, 1, 2, 2], { index: 2, kind: 'ratio', size: 2, statistic: 9 }); // [2, 2, 2, 2]
 */
export function relevel(values: readonly number[], shift: LevelShift): number[] {
  return values.map((v, t) =>
    t >= shift.index ? v : shift.kind === 'ratio' ? v * shift.size : v + shift.size,
  );
}
