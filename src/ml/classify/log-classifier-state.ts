import { validateTaxonomy } from './taxonomy';
import type { ClassifierAlgorithm, LogClassifierState } from './log-classifier';

/**
 * Checks the top level of a stored {@link LogClassifierState} (the model parts are checked by
 * their own `fromState`) and returns it typed; throws TypeError on anything malformed, so a
 * corrupt registry row fails loudly instead of classifying nonsense.
 */
export function parseClassifierState(state: unknown): LogClassifierState {
  const s = state as Partial<LogClassifierState> | null;
  if (typeof s !== 'object' || s === null) throw new TypeError('state: expected an object');
  if (s.kind !== 'vigil.log-classifier' || s.version !== 1) {
    throw new TypeError('state: not a version 1 vigil.log-classifier state');
  }
  const algorithms: ClassifierAlgorithm[] = ['naive_bayes', 'logistic_regression'];
  if (!algorithms.includes(s.algorithm as ClassifierAlgorithm)) {
    throw new TypeError(`state: unknown algorithm ${String(s.algorithm)}`);
  }
  const categories: unknown = s.categories;
  if (
    !Array.isArray(categories) ||
    categories.length < 2 ||
    categories.some((c) => typeof c !== 'string' || c === '') ||
    new Set(categories).size !== categories.length
  ) {
    throw new TypeError('state: categories must be two or more distinct non-empty strings');
  }
  const f = s.features as Partial<LogClassifierState['features']> | undefined;
  if (
    typeof f !== 'object' ||
    f === null ||
    typeof f.dimension !== 'number' ||
    typeof f.bigrams !== 'boolean' ||
    (f.charNgrams !== null &&
      (typeof f.charNgrams !== 'object' ||
        typeof f.charNgrams.n !== 'number' ||
        typeof f.charNgrams.maxTokenLength !== 'number'))
  ) {
    throw new TypeError('state: bad feature options');
  }
  if (f.rules != null) validateTaxonomy(f.rules);
  if (
    typeof s.temperature !== 'number' ||
    !(s.temperature > 0) ||
    !Number.isFinite(s.temperature)
  ) {
    throw new TypeError('state: temperature must be a positive number');
  }
  const w = s.sourceWeights;
  if (
    typeof w !== 'object' ||
    w === null ||
    [w.human, w.weak].some((v) => typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v))
  ) {
    throw new TypeError('state: sourceWeights must hold two non-negative numbers');
  }
  if (
    s.algorithm === 'naive_bayes' ? s.naiveBayes === undefined : s.logisticRegression === undefined
  ) {
    throw new TypeError(`state: no model for algorithm ${s.algorithm}`);
  }
  return s as LogClassifierState;
}
