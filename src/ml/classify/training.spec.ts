import type { LabelledExample } from './classifier-types';
import { LogClassifier } from './log-classifier';
import { DEFAULT_TAXONOMY, categoryNames } from './taxonomy';
import { buildTrainingSet, isBetter, trainCandidate, WEAK_PER_PATTERN } from './training';

const human = (message: string, category: string, patternId?: string): LabelledExample => ({
  message,
  category,
  severity: 'error',
  ...(patternId ? { patternId } : {}),
});

describe(buildTrainingSet.name, () => {
  it('keeps every human label and weak-labels the rest, a few per pattern, none for labelled patterns', () => {
    const lines = [
      ...Array.from({ length: 6 }, (_, i) => ({
        message: `Failed password for root from 10.0.0.${i} port 22 ssh2`,
        patternId: 'p-ssh',
        severity: 'warn',
      })),
      { message: 'connection refused by upstream db-1:5432', patternId: 'p-db', severity: 'error' },
      {
        message: 'Deadlock detected while updating orders',
        patternId: 'p-lock',
        severity: 'error',
      },
    ];
    const set = buildTrainingSet(
      [human('Deadlock detected while updating orders', 'database', 'p-lock'), human('x', 'nope')],
      lines,
      DEFAULT_TAXONOMY,
    );
    expect(set.human).toBe(1); // the unknown category is dropped
    expect(set.examples.filter((e) => e.patternId === 'p-ssh')).toHaveLength(WEAK_PER_PATTERN);
    expect(set.examples.filter((e) => e.patternId === 'p-lock')).toHaveLength(1);
    expect(set.examples.find((e) => e.patternId === 'p-lock')?.source).toBe('human');
    const weak = set.examples.filter((e) => e.source === 'weak');
    expect(weak.length).toBe(set.weak);
    expect(weak.every((e) => (e.weight ?? 0) > 0 && (e.weight ?? 0) <= 1)).toBe(true);
  });
});

describe(trainCandidate.name, () => {
  const categories = ['authentication', 'database'];
  const taxonomy = {
    ...DEFAULT_TAXONOMY,
    categories: DEFAULT_TAXONOMY.categories.filter((c) => categories.includes(c.name)),
  };
  const examples: LabelledExample[] = [];
  for (let i = 0; i < 30; i++) {
    examples.push(human(`Failed password for user${i} from 10.1.0.${i}`, 'authentication'));
    examples.push(human(`Deadlock detected on table orders_${i}, transaction aborted`, 'database'));
  }

  it('evaluates the candidate and the model it would replace on the same held-out labels', () => {
    const set = { examples, human: examples.length, weak: 0 };
    const first = trainCandidate(set, { algorithm: 'naive_bayes', taxonomy, seed: 1 });
    expect(first.baseline).toBeNull();
    expect(first.holdout).toBe(12); // 20% of each class's 30
    expect(first.trainedOn).toBe(60);
    expect(first.metrics.accuracy).toBe(1);
    expect(isBetter(first)).toBe(true);

    // A model that calls everything authentication is the baseline of the next candidate.
    const poor = LogClassifier.train(
      examples.map((e) => ({ ...e, category: 'authentication' })),
      { algorithm: 'naive_bayes', categories: categoryNames(taxonomy), seed: 1 },
    );
    const next = trainCandidate(set, {
      algorithm: 'naive_bayes',
      taxonomy,
      seed: 2,
      current: poor,
    });
    expect(next.baseline?.accuracy).toBeCloseTo(0.5, 10);
    expect(isBetter(next)).toBe(true);
    // The other way round, the poor model is not better than a perfect one.
    expect(isBetter({ ...next, metrics: next.baseline!, baseline: next.metrics })).toBe(false);
  });

  it('serves a model trained on every label, with the held-out temperature', () => {
    const set = { examples, human: examples.length, weak: 0 };
    const c = trainCandidate(set, { algorithm: 'logistic_regression', taxonomy, seed: 3 });
    expect(c.model.predict({ message: 'Failed password for admin from 10.9.9.9' }).category).toBe(
      'authentication',
    );
    expect(c.model.temperature).toBeGreaterThan(0);
  });
});
