import { SeededRandom } from '../anomaly/seeded-random';
import type { SparseVector } from '../text/hashed-ngrams';
import { TfIdf, type TfIdfState } from '../text/tfidf';
import { brierScore, expectedCalibrationError, fitTemperature, softmax } from './calibration';
import type { ClassifierInput, LabelledExample, LabelSource, Prediction } from './classifier-types';
import {
  DEFAULT_FEATURES,
  type FeatureOptions,
  type Features,
  LogFeaturizer,
  withDense,
} from './features';
import { classificationMetrics, type ClassificationMetrics } from './metrics';
import { MultinomialNaiveBayes, type NaiveBayesState } from './naive-bayes';
import {
  SoftmaxRegression,
  type SoftmaxRegressionState,
  type WeightedVector,
} from './logistic-regression';
import { parseClassifierState } from './log-classifier-state';

export type { ClassifierInput, LabelledExample, LabelSource, Prediction };
export type ClassifierAlgorithm = 'naive_bayes' | 'logistic_regression';

/** How much one example of each source counts, multiplied by the example's own weight. */
export interface SourceWeights {
  human: number;
  weak: number;
}

export const DEFAULT_SOURCE_WEIGHTS: SourceWeights = { human: 1, weak: 0.3 };

export interface TrainOptions {
  algorithm: ClassifierAlgorithm;
  /** The categories the model can predict, in a fixed order (at least two). */
  categories: readonly string[];
  /** Seeds the SGD example order (logistic regression). */
  seed: number;
  /** Passes over the examples (logistic regression; default 8). */
  epochs?: number;
  /** Held-out examples to fit the temperature on; without them the temperature is 1. */
  calibration?: readonly LabelledExample[];
  /** Default {@link DEFAULT_SOURCE_WEIGHTS}: a human label counts more than a weak one. */
  sourceWeights?: SourceWeights;
  /** Naive Bayes smoothing (default 0.1). */
  alpha?: number;
  /** Logistic regression L2 penalty and initial learning rate (defaults 1e-5, 0.5). */
  l2?: number;
  learningRate?: number;
  /** Featurization (default {@link DEFAULT_FEATURES}). */
  features?: Partial<FeatureOptions>;
}

/** Plain-JSON, versioned state of a {@link LogClassifier}. */
export interface LogClassifierState {
  version: 1;
  kind: 'vigil.log-classifier';
  algorithm: ClassifierAlgorithm;
  categories: string[];
  features: FeatureOptions;
  temperature: number;
  sourceWeights: SourceWeights;
  naiveBayes?: NaiveBayesState;
  logisticRegression?: SoftmaxRegressionState;
  tfidf?: TfIdfState;
}

type Model =
  | { algorithm: 'naive_bayes'; nb: MultinomialNaiveBayes }
  | { algorithm: 'logistic_regression'; lr: SoftmaxRegression; tfidf: TfIdf };

/**
 * The log classifier the rest of Vigil uses: log text → category, with calibrated probabilities.
 * Either multinomial naive Bayes on hashed n-gram counts (quick to train, good with few labels)
 * or softmax logistic regression on their TF-IDF plus dense structured features (usually more
 * accurate with more labels); both learn online from one new label at a time, and both are
 * calibrated by temperature scaling when a held-out set is given. Human labels outweigh weak
 * (rule) labels through {@link SourceWeights}.
 *
 * @example
 *   const model = LogClassifier.train(examples, {
 *     algorithm: 'logistic_regression', categories: categoryNames(DEFAULT_TAXONOMY), seed: 1,
 *   });
 *   model.predict({ message: 'connect ECONNREFUSED 10.0.0.7:5432', severity: 'error' });
 *   model.learn({ message: '…', category: 'database', source: 'human' });
 *   const copy = LogClassifier.fromState(JSON.parse(JSON.stringify(model.toState())));
 */
export class LogClassifier {
  readonly #categories: readonly string[];
  readonly #index: ReadonlyMap<string, number>;
  readonly #featurizer: LogFeaturizer;
  readonly #model: Model;
  readonly #sourceWeights: SourceWeights;
  #temperature = 1;

  private constructor(
    categories: readonly string[],
    features: FeatureOptions,
    model: Model,
    sourceWeights: SourceWeights,
  ) {
    this.#categories = Object.freeze([...categories]);
    this.#index = new Map(categories.map((c, i) => [c, i]));
    this.#featurizer = new LogFeaturizer(features);
    this.#model = model;
    this.#sourceWeights = { ...sourceWeights };
  }

  static train(examples: readonly LabelledExample[], options: TrainOptions): LogClassifier {
    const categories = checkCategories(options.categories);
    const sourceWeights = options.sourceWeights ?? DEFAULT_SOURCE_WEIGHTS;
    checkSourceWeights(sourceWeights);
    const features = { ...DEFAULT_FEATURES, ...options.features };
    const C = categories.length;
    const model: Model =
      options.algorithm === 'naive_bayes'
        ? {
            algorithm: 'naive_bayes',
            nb: new MultinomialNaiveBayes({ classes: C, alpha: options.alpha }),
          }
        : {
            algorithm: 'logistic_regression',
            lr: new SoftmaxRegression({
              classes: C,
              l2: options.l2,
              learningRate: options.learningRate,
            }),
            tfidf: new TfIdf(),
          };
    const sut = new LogClassifier(categories, features, model, sourceWeights);
    const rows = examples.map((e) => ({
      features: sut.#featurizer.featurize(e),
      label: sut.#label(e.category),
      weight: sut.#weight(e),
    }));
    if (model.algorithm === 'naive_bayes') {
      for (const r of rows) model.nb.learn(r.features.counts, r.label, r.weight);
    } else {
      model.tfidf.fit(rows.map((r) => r.features.counts));
      const data: WeightedVector[] = rows.map((r) => ({
        x: sut.#lrVector(r.features, model.tfidf),
        label: r.label,
        weight: r.weight,
      }));
      model.lr.fit(data, options.epochs ?? 8, new SeededRandom(options.seed).next);
    }
    if (options.calibration !== undefined && options.calibration.length > 0) {
      sut.calibrate(options.calibration);
    }
    return sut;
  }

  get categories(): readonly string[] {
    return this.#categories;
  }

  get algorithm(): ClassifierAlgorithm {
    return this.#model.algorithm;
  }

  /** The softmax temperature fitted by {@link calibrate} (1 when never calibrated). */
  get temperature(): number {
    return this.#temperature;
  }

  /** Calibrated probabilities of every category; `category` is the most likely one. */
  predict(input: ClassifierInput): Prediction {
    const p = softmax(this.scores(input), this.#temperature);
    let best = 0;
    const probabilities: Record<string, number> = {};
    for (let c = 0; c < p.length; c++) {
      probabilities[this.#categories[c] as string] = p[c] as number;
      if ((p[c] as number) > (p[best] as number)) best = c;
    }
    return {
      category: this.#categories[best] as string,
      confidence: p[best] as number,
      probabilities,
    };
  }

  /** Uncalibrated class scores (NB log-joint or LR logits), in category order. */
  scores(input: ClassifierInput): number[] {
    const f = this.#featurizer.featurize(input);
    const m = this.#model;
    return m.algorithm === 'naive_bayes'
      ? m.nb.logJoint(f.counts)
      : m.lr.logits(this.#lrVector(f, m.tfidf));
  }

  /** Online update from one label: NB adds its counts, LR takes one SGD step. */
  learn(example: LabelledExample): void {
    const label = this.#label(example.category);
    const weight = this.#weight(example);
    const f = this.#featurizer.featurize(example);
    const m = this.#model;
    if (m.algorithm === 'naive_bayes') m.nb.learn(f.counts, label, weight);
    else {
      m.tfidf.addDocument(f.counts);
      m.lr.learn(this.#lrVector(f, m.tfidf), label, weight);
    }
  }

  /** Sets the temperature fitted elsewhere (on a copy trained without the held-out examples). */
  setTemperature(temperature: number): void {
    if (!(temperature > 0 && Number.isFinite(temperature))) {
      throw new RangeError(`temperature must be positive, got ${temperature}`);
    }
    this.#temperature = temperature;
  }

  /** Fits the temperature on held-out labelled examples (see {@link fitTemperature}). */
  calibrate(examples: readonly LabelledExample[]): number {
    const labels = examples.map((e) => this.#label(e.category));
    this.#temperature = fitTemperature(
      examples.map((e) => this.scores(e)),
      labels,
    );
    return this.#temperature;
  }

  toState(): LogClassifierState {
    const m = this.#model;
    const base = {
      version: 1 as const,
      kind: 'vigil.log-classifier' as const,
      algorithm: m.algorithm,
      categories: [...this.#categories],
      features: this.#featurizer.options,
      temperature: this.#temperature,
      sourceWeights: { ...this.#sourceWeights },
    };
    return m.algorithm === 'naive_bayes'
      ? { ...base, naiveBayes: m.nb.toState() }
      : { ...base, logisticRegression: m.lr.toState(), tfidf: m.tfidf.toState() };
  }

  /** Restores a model; throws TypeError when `state` is not a valid {@link LogClassifierState}. */
  static fromState(state: unknown): LogClassifier {
    const s = parseClassifierState(state);
    let model: Model;
    if (s.algorithm === 'naive_bayes') {
      const nb = MultinomialNaiveBayes.fromState(s.naiveBayes);
      model = { algorithm: 'naive_bayes', nb };
      if (nb.classes !== s.categories.length) throw new TypeError('state: class count mismatch');
    } else {
      const lr = SoftmaxRegression.fromState(s.logisticRegression);
      model = { algorithm: 'logistic_regression', lr, tfidf: TfIdf.fromState(s.tfidf) };
      if (lr.classes !== s.categories.length) throw new TypeError('state: class count mismatch');
    }
    let sut: LogClassifier;
    try {
      sut = new LogClassifier(s.categories, s.features, model, s.sourceWeights);
    } catch (cause) {
      throw new TypeError('state: invalid feature options', { cause });
    }
    sut.#temperature = s.temperature;
    return sut;
  }

  #lrVector(f: Features, tfidf: TfIdf): SparseVector {
    return withDense(tfidf.transform(f.counts), f.dense, this.#featurizer.options.dimension);
  }

  #label(category: string): number {
    const i = this.#index.get(category);
    if (i === undefined) throw new RangeError(`category "${category}" is not one of the model's`);
    return i;
  }

  #weight(e: LabelledExample): number {
    const w = e.weight ?? 1;
    if (!(w >= 0 && Number.isFinite(w))) throw new RangeError(`weight must be >= 0, got ${w}`);
    return w * this.#sourceWeights[e.source ?? 'human'];
  }
}

/** Accuracy, macro-F1, per-class metrics and confusion, plus calibration (ECE, Brier). */
export interface ClassificationReport extends ClassificationMetrics {
  /** Expected calibration error, 10 equal-width bins. */
  ece: number;
  brier: number;
}

/** Evaluates a model on labelled examples (their categories must be the model's). */
export function evaluateClassifier(
  model: LogClassifier,
  examples: readonly LabelledExample[],
): ClassificationReport {
  const categories = model.categories;
  const index = new Map(categories.map((c, i) => [c, i]));
  const predictions = examples.map((e) => model.predict(e));
  const actual = examples.map((e) => e.category);
  const metrics = classificationMetrics(
    actual,
    predictions.map((p) => p.category),
    categories,
  );
  const labels = actual.map((c) => index.get(c) as number);
  return {
    ...metrics,
    ece: expectedCalibrationError(
      predictions.map((p) => p.confidence),
      predictions.map((p, i) => p.category === actual[i]),
    ),
    brier: brierScore(
      predictions.map((p) => categories.map((c) => p.probabilities[c] as number)),
      labels,
    ),
  };
}

function checkCategories(categories: readonly string[]): string[] {
  if (categories.length < 2) throw new RangeError('a classifier needs at least two categories');
  if (new Set(categories).size !== categories.length) {
    throw new RangeError('categories must be distinct');
  }
  if (categories.some((c) => typeof c !== 'string' || c === '')) {
    throw new RangeError('categories must be non-empty strings');
  }
  return [...categories];
}

function checkSourceWeights(w: SourceWeights): void {
  for (const v of [w.human, w.weak]) {
    if (!(v >= 0 && Number.isFinite(v)))
      throw new RangeError(`source weight must be >= 0, got ${v}`);
  }
}
