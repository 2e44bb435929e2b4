/** Precision, recall, F1 and support of one class. */
export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** Number of examples whose true class this is. */
  support: number;
}

export interface ClassificationMetrics {
  accuracy: number;
  /**
   * Unweighted mean F1 over the classes that occur, as truth or as prediction: a rare class
   * counts as much as a common one, and a class that never occurs does not count at all.
   */
  macroF1: number;
  perClass: Record<string, ClassMetrics>;
  /** Row = true class, column = predicted class, both in the order of `labels`. */
  confusion: number[][];
  labels: string[];
}

/**
 * The confusion matrix of `actual` against `predicted`: `m[i][j]` counts examples of class
 * `labels[i]` predicted as `labels[j]`. A value outside `labels` throws RangeError.
 *
 * @example
 *   confusionMatrix(['a', 'b'], ['a', 'a'], ['a', 'b']); // [[1, 0], [1, 0]]
 */
export function confusionMatrix(
  actual: readonly string[],
  predicted: readonly string[],
  labels: readonly string[],
): number[][] {
  if (actual.length !== predicted.length) {
    throw new RangeError(`${actual.length} true labels but ${predicted.length} predictions`);
  }
  const index = new Map(labels.map((l, i) => [l, i]));
  if (index.size !== labels.length) throw new RangeError('labels must be distinct');
  const m = labels.map(() => new Array<number>(labels.length).fill(0));
  for (let k = 0; k < actual.length; k++) {
    const i = index.get(actual[k] as string);
    const j = index.get(predicted[k] as string);
    if (i === undefined || j === undefined) {
      throw new RangeError(`label "${String(i === undefined ? actual[k] : predicted[k])}" unknown`);
    }
    m[i]![j]!++;
  }
  return m;
}

/**
 * Accuracy, macro-F1 and per-class precision / recall / F1 / support from true and predicted
 * labels (the usual definitions, e.g. Sokolova & Lapalme, "A systematic analysis of performance
 * measures for classification tasks", 2009). A class never predicted has precision 0; a class
 * never true has recall 0; F1 is 0 when precision + recall is.
 *
 * @example
 *   classificationMetrics(['a', 'a', 'b'], ['a', 'b', 'b'], ['a', 'b']).macroF1; // 2/3
 */
export function classificationMetrics(
  actual: readonly string[],
  predicted: readonly string[],
  labels: readonly string[],
): ClassificationMetrics {
  return metricsFromConfusion(confusionMatrix(actual, predicted, labels), labels);
}

/** The same metrics from a confusion matrix (rows true, columns predicted). */
export function metricsFromConfusion(
  confusion: readonly (readonly number[])[],
  labels: readonly string[],
): ClassificationMetrics {
  const L = labels.length;
  if (confusion.length !== L || confusion.some((row) => row.length !== L)) {
    throw new RangeError(`confusion matrix must be ${L} x ${L}`);
  }
  let total = 0;
  let correct = 0;
  const perClass: Record<string, ClassMetrics> = {};
  let f1Sum = 0;
  let present = 0;
  for (let i = 0; i < L; i++) {
    let support = 0;
    let predicted = 0;
    for (let j = 0; j < L; j++) {
      support += confusion[i]![j]!;
      predicted += confusion[j]![i]!;
    }
    const tp = confusion[i]![i]!;
    total += support;
    correct += tp;
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    perClass[labels[i] as string] = { precision, recall, f1, support };
    if (support > 0 || predicted > 0) {
      f1Sum += f1;
      present++;
    }
  }
  return {
    accuracy: total > 0 ? correct / total : 0,
    macroF1: present > 0 ? f1Sum / present : 0,
    perClass,
    confusion: confusion.map((row) => [...row]),
    labels: [...labels],
  };
}
