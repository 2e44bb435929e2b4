import { evaluateClassifier, type LabelledExample, LogClassifier } from './log-classifier';

const CATEGORIES = ['database', 'network', 'routine'];

/** A small corpus: three categories, several phrasings each, varied variables. */
function corpus(): LabelledExample[] {
  const out: LabelledExample[] = [];
  for (let i = 0; i < 12; i++) {
    out.push(
      {
        message: `Deadlock found on table orders txid ${1000 + i}`,
        severity: 'error',
        category: 'database',
      },
      {
        message: `query on users timed out after ${i * 10}ms (SQLSTATE 57014)`,
        category: 'database',
      },
      { message: `connect ECONNRESET 10.0.0.${i}:443`, severity: 'warn', category: 'network' },
      { message: `DNS lookup failed for host-${i}.internal`, category: 'network' },
      { message: `worker ${i} started`, severity: 'info', category: 'routine' },
      { message: `health check ok in ${i}ms`, severity: 'info', category: 'routine' },
    );
  }
  return out;
}

function expectSameScores(a: LogClassifier, b: LogClassifier, input: LabelledExample): void {
  const sb = b.scores(input);
  a.scores(input).forEach((v, c) => expect(v).toBeCloseTo(sb[c]!, 9));
  expect(a.predict(input).category).toBe(b.predict(input).category);
}

describe(LogClassifier.name, () => {
  it.each(['naive_bayes', 'logistic_regression'] as const)(
    '%s learns the corpus and predicts unseen variable values',
    (algorithm) => {
      const sut = LogClassifier.train(corpus(), { algorithm, categories: CATEGORIES, seed: 1 });
      expect(sut.categories).toEqual(CATEGORIES);
      expect(sut.predict({ message: 'Deadlock found on table orders txid 99999' }).category).toBe(
        'database',
      );
      expect(sut.predict({ message: 'connect ECONNRESET 10.9.9.9:8443' }).category).toBe('network');
      const p = sut.predict({ message: 'worker 77 started', severity: 'info' });
      expect(p.category).toBe('routine');
      expect(Object.values(p.probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(p.confidence).toBe(Math.max(...Object.values(p.probabilities)));
      expect(evaluateClassifier(sut, corpus()).accuracy).toBe(1);
    },
  );

  it('lets human labels outweigh weak labels of the same text', () => {
    const text = 'cache node 7 evicted keys';
    const examples: LabelledExample[] = [
      ...corpus(),
      { message: text, category: 'network', source: 'weak' },
      { message: text, category: 'network', source: 'weak' },
      { message: text, category: 'database', source: 'human' },
    ];
    const sut = LogClassifier.train(examples, {
      algorithm: 'logistic_regression',
      categories: CATEGORIES,
      seed: 2,
    });
    expect(sut.predict({ message: text }).category).toBe('database');
  });

  it.each(['naive_bayes', 'logistic_regression'] as const)(
    '%s weighs a weak label by sourceWeights.weak times its own weight',
    (algorithm) => {
      const options = {
        algorithm,
        categories: CATEGORIES,
        seed: 2,
        sourceWeights: { human: 1, weak: 0.25 },
      };
      const weak = LogClassifier.train(
        corpus().map((e) => ({ ...e, source: 'weak' as const, weight: 2 })),
        options,
      );
      const human = LogClassifier.train(
        corpus().map((e) => ({ ...e, source: 'human' as const, weight: 0.5 })),
        options,
      );
      expect(weak.toState()).toEqual(human.toState());
    },
  );

  it.each(['naive_bayes', 'logistic_regression'] as const)(
    '%s learns online from single examples',
    (algorithm) => {
      const sut = LogClassifier.train(corpus(), { algorithm, categories: CATEGORIES, seed: 3 });
      const text = 'replica lag on pg-2 is 40s';
      const before = sut.predict({ message: text }).probabilities.database!;
      for (let i = 0; i < 5; i++) sut.learn({ message: text, category: 'database' });
      expect(sut.predict({ message: text }).probabilities.database!).toBeGreaterThan(before);
      expect(sut.predict({ message: text }).category).toBe('database');
    },
  );

  it.each(['naive_bayes', 'logistic_regression'] as const)(
    '%s round-trips through JSON state with identical predictions',
    (algorithm) => {
      const sut = LogClassifier.train(corpus(), {
        algorithm,
        categories: CATEGORIES,
        seed: 4,
        calibration: corpus().slice(0, 18),
      });
      const copy = LogClassifier.fromState(JSON.parse(JSON.stringify(sut.toState())));
      expect(copy.temperature).toBe(sut.temperature);
      for (const e of corpus().slice(0, 12)) expectSameScores(copy, sut, e);
      // It goes on learning the same way.
      const x: LabelledExample = { message: 'DNS lookup failed for db', category: 'network' };
      copy.learn(x);
      sut.learn(x);
      expectSameScores(copy, sut, x);
    },
  );

  it('calibrates the over-confident naive Bayes with a temperature above 1', () => {
    const noisy = corpus().map((e, i) => (i % 5 === 0 ? { ...e, category: 'routine' } : e));
    const sut = LogClassifier.train(corpus(), {
      algorithm: 'naive_bayes',
      categories: CATEGORIES,
      seed: 5,
      calibration: noisy,
    });
    expect(sut.temperature).toBeGreaterThan(1);
    const report = evaluateClassifier(sut, noisy);
    expect(report.ece).toBeGreaterThanOrEqual(0);
    expect(report.brier).toBeGreaterThan(0);
    expect(report.confusion).toHaveLength(3);
  });

  it('rejects bad options, unknown categories and bad state', () => {
    const train = (categories: string[]) =>
      LogClassifier.train(corpus(), { algorithm: 'naive_bayes', categories, seed: 1 });
    expect(() => train(['database'])).toThrow(RangeError);
    expect(() => train(['database', 'network'])).toThrow(RangeError); // 'routine' unknown
    const sut = train(CATEGORIES);
    expect(() => sut.learn({ message: 'x', category: 'nope' })).toThrow(RangeError);
    const state = sut.toState();
    expect(() => LogClassifier.fromState(null)).toThrow(TypeError);
    expect(() => LogClassifier.fromState({ ...state, version: 2 })).toThrow(TypeError);
    expect(() => LogClassifier.fromState({ ...state, temperature: -1 })).toThrow(TypeError);
    expect(() => LogClassifier.fromState({ ...state, categories: ['a', 'b'] })).toThrow(TypeError);
    expect(() =>
      LogClassifier.fromState({ ...state, features: { ...state.features, dimension: 1000 } }),
    ).toThrow(TypeError);
    expect(() => LogClassifier.fromState({ ...state, naiveBayes: undefined })).toThrow(TypeError);
  });
});
