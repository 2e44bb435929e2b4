import { HashedNgrams, type SparseVector } from '../text/hashed-ngrams';
import { LogTextTokenizer, type LogTextTokens } from '../text/log-text-tokenizer';
import type { ClassifierInput } from './classifier-types';
import { normaliseSeverity, SEVERITY_LEVELS } from './severity';
import type { Taxonomy } from './taxonomy';
import { weakLabel } from './weak-labels';

/** How text becomes features; stored in a model's state so it featurizes the same way later. */
export interface FeatureOptions {
  /** Hash buckets, a power of two (default 2^18). */
  dimension: number;
  /** Word bigrams (default true). */
  bigrams: boolean;
  /** Character n-grams of short words (default 3-grams of words up to 12 characters). */
  charNgrams: { n: number; maxTokenLength: number } | null;
  /**
   * The taxonomy whose rules (weak-labels.ts) become a feature: `rule:<category>`, counted
   * RULE_FEATURE_COUNT times. A model then learns how far to trust the rules per category, and a
   * line of a template it never saw still gets what the rules say about it (default: none).
   */
  rules?: Taxonomy | null;
}

/** How many times the rules' category counts among a line's tokens: a strong, single feature. */
export const RULE_FEATURE_COUNT = 3;

export const DEFAULT_FEATURES: FeatureOptions = {
  dimension: 1 << 18,
  bigrams: true,
  charNgrams: { n: 3, maxTokenLength: 12 },
};

/** Number of dense structured features (see {@link LogFeaturizer.featurize}). */
export const DENSE_FEATURES = SEVERITY_LEVELS.length + 4;

/** The features of one input: hashed counts (text, severity, service) and dense structure. */
export interface Features {
  counts: SparseVector;
  dense: number[];
  tokens: LogTextTokens;
}

/**
 * Turns a {@link ClassifierInput} into features. Counts: the hashed n-grams of the message (or of
 * the template when the message is empty) plus the unigrams `sev:<level>` and `svc:<service>`.
 * Dense: the severity one-hot, log(1 + parameter count)/3, log(1 + words)/4, the share of words
 * that are masked variables, and whether an exception class name appears. Naive Bayes reads the
 * counts; logistic regression reads their TF-IDF plus the dense part (see {@link withDense}).
 *
 * @example
 *   const f = new LogFeaturizer(DEFAULT_FEATURES).featurize({ message: 'disk full', severity: 'ERROR' });
 */
export class LogFeaturizer {
  readonly options: FeatureOptions;
  readonly #tokenizer = new LogTextTokenizer();
  readonly #hasher: HashedNgrams;

  constructor(options: FeatureOptions) {
    this.#hasher = new HashedNgrams(options);
    this.options = {
      dimension: options.dimension,
      bigrams: options.bigrams,
      charNgrams: options.charNgrams === null ? null : { ...options.charNgrams },
      ...(options.rules ? { rules: options.rules } : {}),
    };
    this.#rules = options.rules ?? null;
  }

  readonly #rules: Taxonomy | null;

  featurize(input: ClassifierInput): Features {
    const text = input.message !== '' ? input.message : (input.template ?? '');
    const tokens = this.#tokenizer.tokenize(text);
    const severity = normaliseSeverity(input.severity);
    const extra = [`sev:${severity}`];
    if (input.service !== undefined && input.service !== '') {
      extra.push(`svc:${input.service.toLowerCase()}`);
    }
    if (this.#rules !== null) {
      const rule = weakLabel(input, this.#rules, tokens);
      for (let i = 0; i < RULE_FEATURE_COUNT; i++) extra.push(`rule:${rule?.category ?? 'none'}`);
    }
    const counts = this.#hasher.vectorize(tokens, extra);
    const dense = new Array<number>(DENSE_FEATURES).fill(0);
    dense[SEVERITY_LEVELS.indexOf(severity)] = 1;
    let k = SEVERITY_LEVELS.length;
    const params = input.paramCount;
    dense[k++] = params !== undefined && params >= 0 ? Math.log1p(params) / 3 : 0;
    const words = tokens.words.length;
    dense[k++] = Math.log1p(words) / 4;
    let variables = 0;
    for (const w of tokens.words) if (w.startsWith('<')) variables++;
    dense[k++] = words > 0 ? variables / words : 0;
    dense[k] = tokens.pieces.includes('<exception>') ? 1 : 0;
    return { counts, dense, tokens };
  }
}

/** `x` with the dense features appended at indices `offset`, `offset + 1`, … (zeros skipped). */
export function withDense(x: SparseVector, dense: readonly number[], offset: number): SparseVector {
  const indices = x.indices.slice();
  const values = x.values.slice();
  dense.forEach((v, i) => {
    if (v !== 0) {
      indices.push(offset + i);
      values.push(v);
    }
  });
  return { indices, values };
}
