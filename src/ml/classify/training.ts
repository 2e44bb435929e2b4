import { SeededRandom } from '../anomaly/seeded-random';
import type { LabelledExample } from './classifier-types';
import {
  type ClassificationReport,
  type ClassifierAlgorithm,
  evaluateClassifier,
  LogClassifier,
} from './log-classifier';
import { stratifiedSplit } from './split';
import { type Taxonomy, categoryNames } from './taxonomy';
import { weakLabel } from './weak-labels';

/** Share of the human labels held out to evaluate a candidate (and the model it would replace). */
export const HOLDOUT_FRACTION = 0.2;

/** Weak labels kept per pattern: enough to teach it, few enough not to drown human labels. */
export const WEAK_PER_PATTERN = 3;

/** A line the tenant has seen (a pattern's template with one of its examples), to weak-label. */
export interface UnlabelledLine {
  message: string;
  template?: string;
  service?: string;
  severity?: string;
  patternId?: string;
}

/** The training set of one run and where it came from. */
export interface TrainingSet {
  examples: LabelledExample[];
  human: number;
  weak: number;
}

/**
 * The examples a model is trained on: every human label, plus weak (rule) labels of the lines
 * the tenant has seen, at most WEAK_PER_PATTERN per pattern, leaving out patterns a person
 * labelled (forty rule-labelled copies of a pattern would outvote the one label a person gave
 * it) and categories the taxonomy does not have.
 */
export function buildTrainingSet(
  human: readonly LabelledExample[],
  lines: readonly UnlabelledLine[],
  taxonomy: Taxonomy,
): TrainingSet {
  const categories = new Set(categoryNames(taxonomy));
  const examples: LabelledExample[] = human
    .filter((e) => categories.has(e.category))
    .map((e) => ({ ...e, source: 'human' as const }));
  const labelled = new Set(examples.flatMap((e) => (e.patternId ? [e.patternId] : [])));
  const perPattern = new Map<string, number>();
  let weak = 0;
  for (const line of lines) {
    if (line.patternId !== undefined) {
      if (labelled.has(line.patternId)) continue;
      const n = perPattern.get(line.patternId) ?? 0;
      if (n >= WEAK_PER_PATTERN) continue;
      perPattern.set(line.patternId, n + 1);
    }
    const guess = weakLabel(line, taxonomy);
    if (guess === null || !categories.has(guess.category)) continue;
    examples.push({ ...line, category: guess.category, source: 'weak', weight: guess.strength });
    weak++;
  }
  return { examples, human: examples.length - weak, weak };
}

/** A trained candidate with its held-out evaluation (and the current model's, on the same set). */
export interface TrainedCandidate {
  model: LogClassifier;
  /** On the held-out human labels (or, with too few of them, on the weak labels held out). */
  metrics: ClassificationReport;
  /** The model it would replace, on the same held-out examples; null when there is none. */
  baseline: ClassificationReport | null;
  holdout: number;
  trainedOn: number;
}

/**
 * Trains a candidate on a training set and evaluates it on a stratified held-out part of it
 * (human labels when there are at least `minHoldout`, else every label), together with the
 * model it would replace, so the two are compared on the same examples. The held-out part is
 * also the calibration set of the candidate's temperature, then the candidate is refitted on
 * everything with that temperature kept.
 */
export function trainCandidate(
  set: TrainingSet,
  options: {
    algorithm: ClassifierAlgorithm;
    taxonomy: Taxonomy;
    seed: number;
    current?: LogClassifier | null;
    minHoldout?: number;
  },
): TrainedCandidate {
  const rng = new SeededRandom(options.seed).next;
  const categories = categoryNames(options.taxonomy);
  const humans = set.examples.filter((e) => e.source !== 'weak');
  const pool = humans.length >= (options.minHoldout ?? 10) ? humans : set.examples;
  const split = stratifiedSplit(
    pool.map((e) => e.category),
    HOLDOUT_FRACTION,
    rng,
  );
  const held = new Set(split.holdout.map((i) => pool[i] as LabelledExample));
  const holdout = [...held];
  const train = set.examples.filter((e) => !held.has(e));
  // The taxonomy's rules are a feature too: a template the labels never covered still gets
  // what the rules say about it, weighed as the labels taught (eval:classify, held-out templates).
  const trainOptions = {
    algorithm: options.algorithm,
    categories,
    seed: options.seed,
    features: { rules: options.taxonomy },
  };
  const evaluated = LogClassifier.train(train, { ...trainOptions, calibration: holdout });
  const metrics = evaluateClassifier(evaluated, holdout);
  const baseline =
    options.current && holdout.length > 0 ? evaluateClassifier(options.current, holdout) : null;
  // The served model learns from every label; it keeps the temperature the holdout gave.
  const model = LogClassifier.train(set.examples, trainOptions);
  model.setTemperature(evaluated.temperature);
  return { model, metrics, baseline, holdout: holdout.length, trainedOn: set.examples.length };
}

/**
 * Whether a candidate should replace the current model: at least as good macro-F1 on the same
 * held-out examples (within `tolerance`), and not worse in accuracy by more than it.
 */
export function isBetter(c: TrainedCandidate, tolerance = 0.005): boolean {
  return outperforms(c.metrics, c.baseline, tolerance);
}

/** {@link isBetter} on stored metrics: `metrics` at least as good as `baseline` (none: yes). */
export function outperforms(
  metrics: { macroF1: number; accuracy: number },
  baseline: { macroF1: number; accuracy: number } | null,
  tolerance = 0.005,
): boolean {
  if (baseline === null) return true;
  return (
    metrics.macroF1 + tolerance >= baseline.macroF1 &&
    metrics.accuracy + tolerance >= baseline.accuracy
  );
}
