/** Counts per bucket (a category, a pattern id, …). Missing keys count 0. */
export type Distribution = Record<string, number>;

/** Proportions over the union of keys of both distributions, in the same key order. */
function proportions(p: Distribution, q: Distribution): [string[], number[], number[]] {
  const keys = [...new Set([...Object.keys(p), ...Object.keys(q)])].sort();
  const total = (d: Distribution, name: string): number => {
    let t = 0;
    for (const [k, v] of Object.entries(d)) {
      if (!(v >= 0 && Number.isFinite(v))) {
        throw new RangeError(`${name}: count of "${k}" must be finite and >= 0, got ${v}`);
      }
      t += v;
    }
    if (t <= 0) throw new RangeError(`${name}: distribution has no counts`);
    return t;
  };
  const tp = total(p, 'first');
  const tq = total(q, 'second');
  return [keys, keys.map((k) => (p[k] ?? 0) / tp), keys.map((k) => (q[k] ?? 0) / tq)];
}

/**
 * Population stability index (the credit-scoring drift measure; Yurdakul, "Statistical
 * Properties of Population Stability Index", 2018): Σ_i (a_i − e_i)·ln(a_i / e_i) over the buckets
 * of the expected (baseline) and actual proportions. Empty buckets would make it infinite, so
 * each proportion is smoothed: (share + ε) / (1 + K·ε) over the K buckets of either side. Common
 * reading: < 0.1 stable, 0.1–0.25 moderate shift, > 0.25 large shift.
 *
 * @example
 *   populationStabilityIndex({ a: 50, b: 50 }, { a: 80, b: 20 }); // 0.3·ln(1.6) + 0.3·ln(2.5)
 */
export function populationStabilityIndex(
  expected: Distribution,
  actual: Distribution,
  epsilon = 1e-4,
): number {
  if (!(epsilon > 0)) throw new RangeError(`epsilon must be > 0, got ${epsilon}`);
  const [keys, e, a] = proportions(expected, actual);
  const z = 1 + keys.length * epsilon;
  let psi = 0;
  for (let i = 0; i < keys.length; i++) {
    const ei = ((e[i] as number) + epsilon) / z;
    const ai = ((a[i] as number) + epsilon) / z;
    psi += (ai - ei) * Math.log(ai / ei);
  }
  return psi;
}

/**
 * Jensen–Shannon divergence in bits (Lin, "Divergence measures based on the Shannon entropy",
 * 1991): ½·KL(p‖m) + ½·KL(q‖m) with m = (p + q)/2. Symmetric, always finite (m > 0 wherever p or
 * q is, so empty buckets need no smoothing) and bounded by 1: 0 for identical distributions,
 * 1 for disjoint ones.
 *
 * @example
 *   jensenShannonDivergence({ a: 1 }, { b: 1 }); // 1
 */
export function jensenShannonDivergence(p: Distribution, q: Distribution): number {
  const [keys, pp, qq] = proportions(p, q);
  let js = 0;
  for (let i = 0; i < keys.length; i++) {
    const a = pp[i] as number;
    const b = qq[i] as number;
    const m = (a + b) / 2;
    if (a > 0) js += 0.5 * a * Math.log2(a / m);
    if (b > 0) js += 0.5 * b * Math.log2(b / m);
  }
  return Math.max(0, js);
}

/** The pattern and category counts of one service over a period. */
export interface ServiceDistributions {
  patterns: Distribution;
  categories: Distribution;
}

export interface ServiceDrift {
  service: string;
  patternDrift: number;
  categoryDrift: number;
}

export interface ServiceDriftOptions {
  /** Drift measure (default 'js'). */
  measure?: 'psi' | 'js';
  /** A service is returned when either drift exceeds this (default 0.1). */
  threshold?: number;
  /** ε of the PSI smoothing (default 1e-4). */
  epsilon?: number;
}

/**
 * Compares each service's pattern mix and category mix in a current period with its baseline and
 * returns the services whose pattern or category drift exceeds the threshold, worst first. Only
 * services with counts in both periods are compared (a new or silent service is not drift of a
 * distribution; other detectors report it).
 *
 * @example
 *   driftedServices(lastWeek, today, { measure: 'psi', threshold: 0.25 });
 */
export function driftedServices(
  baseline: Record<string, ServiceDistributions>,
  current: Record<string, ServiceDistributions>,
  options: ServiceDriftOptions = {},
): ServiceDrift[] {
  const measure = options.measure ?? 'js';
  const threshold = options.threshold ?? 0.1;
  const drift = (p: Distribution, q: Distribution): number =>
    measure === 'psi'
      ? populationStabilityIndex(p, q, options.epsilon)
      : jensenShannonDivergence(p, q);
  const hasCounts = (d: Distribution): boolean => Object.values(d).some((v) => v > 0);
  const out: ServiceDrift[] = [];
  for (const [service, now] of Object.entries(current)) {
    const before = baseline[service];
    if (before === undefined) continue;
    const patternDrift =
      hasCounts(before.patterns) && hasCounts(now.patterns)
        ? drift(before.patterns, now.patterns)
        : 0;
    const categoryDrift =
      hasCounts(before.categories) && hasCounts(now.categories)
        ? drift(before.categories, now.categories)
        : 0;
    if (patternDrift > threshold || categoryDrift > threshold) {
      out.push({ service, patternDrift, categoryDrift });
    }
  }
  const worst = (d: ServiceDrift): number => Math.max(d.patternDrift, d.categoryDrift);
  return out.sort((a, b) => worst(b) - worst(a) || a.service.localeCompare(b.service));
}
