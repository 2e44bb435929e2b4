import { HashedNgrams } from '../text/hashed-ngrams';
import { DEFAULT_FEATURES, LogFeaturizer, RULE_FEATURE_COUNT } from './features';
import { LogClassifier } from './log-classifier';
import { categoryNames, DEFAULT_TAXONOMY } from './taxonomy';

describe(LogFeaturizer.name, () => {
  const hasher = new HashedNgrams(DEFAULT_FEATURES);
  const countOf = (v: { indices: number[]; values: number[] }, bucket: number) =>
    v.values[v.indices.indexOf(bucket)] ?? 0;

  it('adds the rules’ category as a feature when given a taxonomy, and nothing without one', () => {
    const input = { message: 'Failed password for root from 10.0.0.1 port 22 ssh2' };
    const plain = new LogFeaturizer(DEFAULT_FEATURES).featurize(input);
    const ruled = new LogFeaturizer({ ...DEFAULT_FEATURES, rules: DEFAULT_TAXONOMY }).featurize(
      input,
    );
    const bucket = hasher.bucket('rule:authentication');
    expect(countOf(plain.counts, bucket)).toBe(0);
    expect(countOf(ruled.counts, bucket)).toBe(RULE_FEATURE_COUNT);
    const none = new LogFeaturizer({ ...DEFAULT_FEATURES, rules: DEFAULT_TAXONOMY }).featurize({
      message: 'xyzzy plugh',
      severity: 'info',
    });
    expect(none.counts.indices.length).toBeGreaterThan(0);
  });

  it('keeps the taxonomy in a model’s state, so a restored model featurizes alike', () => {
    const examples = [
      { message: 'Failed password for alice', category: 'authentication' },
      { message: 'Deadlock detected on table orders', category: 'database' },
      { message: 'Failed password for bob', category: 'authentication' },
      { message: 'Deadlock detected on table users', category: 'database' },
    ];
    const model = LogClassifier.train(examples, {
      algorithm: 'naive_bayes',
      categories: categoryNames(DEFAULT_TAXONOMY),
      seed: 1,
      features: { rules: DEFAULT_TAXONOMY },
    });
    const copy = LogClassifier.fromState(JSON.parse(JSON.stringify(model.toState())));
    const input = { message: 'Accepted publickey for carol', severity: 'info' };
    expect(copy.predict(input)).toEqual(model.predict(input));
    expect(model.toState().features.rules).toEqual(DEFAULT_TAXONOMY);
  });
});
