/**
 * What the classifier reads of a log record. Only `message` is required; the rest is what the
 * pipeline knows by the time it classifies (the template miner's pattern and parameter count).
 */
export interface ClassifierInput {
  message: string;
  severity?: string;
  service?: string;
  patternId?: string;
  template?: string;
  paramCount?: number;
}

/** Where a label came from: a person (feedback) or the taxonomy's seed rules. */
export type LabelSource = 'human' | 'weak';

/** A training example. `weight` scales it (default 1); `source` defaults to 'human'. */
export interface LabelledExample extends ClassifierInput {
  category: string;
  weight?: number;
  source?: LabelSource;
}

/** A calibrated prediction: the most likely category, its probability and all of them. */
export interface Prediction {
  category: string;
  confidence: number;
  probabilities: Record<string, number>;
}
