/**
 * `npm run eval:classify`: evaluates the log classifier (src/ml/classify) on a labelled corpus of
 * loghub lines labelled by hand per template plus generated application logs (bench/classify/):
 *
 * 1. the weak labels of the default taxonomy alone, as a baseline;
 * 2. stratified 5-fold cross-validation of both algorithms, on a random split (templates shared
 *    between train and test) and on a held-out-template split (each template wholly in one fold);
 * 3. learning curves on a 70/30 split: label budgets 25…400 picked at random or by active
 *    learning (selectForLabelling), both starting from weak labels, averaged over seeds;
 * 4. prediction throughput of the chosen model.
 *
 * Env: LOGHUB_DIR (/work/shared/datasets/loghub), EVAL_SEEDS (3), EVAL_CURVES=nb,lr (both).
 */
import { selectForLabelling } from '../src/ml/classify/active-learning';
import {
  type ClassifierAlgorithm,
  evaluateClassifier,
  type LabelledExample,
  LogClassifier,
} from '../src/ml/classify/log-classifier';
import { classificationMetrics } from '../src/ml/classify/metrics';
import {
  complement,
  stratifiedGroupKFold,
  stratifiedKFold,
  stratifiedSplit,
} from '../src/ml/classify/split';
import { categoryNames, DEFAULT_TAXONOMY } from '../src/ml/classify/taxonomy';
import { weakLabel } from '../src/ml/classify/weak-labels';
import { SeededRandom } from '../src/ml/anomaly/seeded-random';
import { buildCorpus, type CorpusExample } from './classify/corpus';

const CATEGORIES = categoryNames(DEFAULT_TAXONOMY);
const ALGORITHMS: Record<string, ClassifierAlgorithm> = {
  nb: 'naive_bayes',
  lr: 'logistic_regression',
};
const SEEDS = Array.from({ length: Number(process.env.EVAL_SEEDS ?? 3) }, (_, i) => i + 1);
const CURVES = (process.env.EVAL_CURVES ?? 'nb,lr').split(',').filter((c) => c in ALGORITHMS);
const BUDGETS = [25, 50, 100, 150, 200, 300, 400];
/** Every budget a curve is measured at (one per batch). */
const STEPS = Array.from({ length: 16 }, (_, i) => 25 * (i + 1));
const TARGET_F1 = 0.92;
const BATCH = 25;
const INITIAL_SEEDS = 10;

const f3 = (x: number): string => x.toFixed(3);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const std = (xs: number[]): number => {
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
};

function describe(corpus: CorpusExample[]): void {
  console.log(`corpus ${corpus.length} lines`);
  for (const c of CATEGORIES) {
    const rows = corpus.filter((e) => e.category === c);
    const templates = new Set(rows.map((e) => e.patternId)).size;
    const loghub = rows.filter((e) => e.origin !== 'generated').length;
    console.log(
      `  ${c.padEnd(18)} ${String(rows.length).padStart(5)} lines ${String(templates).padStart(4)} templates (loghub ${loghub}, generated ${rows.length - loghub})`,
    );
  }
}

function weakBaseline(corpus: CorpusExample[]): void {
  const NONE = '(none)';
  const predicted = corpus.map((e) => weakLabel(e, DEFAULT_TAXONOMY)?.category ?? NONE);
  const m = classificationMetrics(
    corpus.map((e) => e.category),
    predicted,
    [...CATEGORIES, NONE],
  );
  const macro = mean(CATEGORIES.map((c) => m.perClass[c]!.f1));
  const covered = predicted.filter((p) => p !== NONE).length;
  const right = predicted.filter((p, i) => p === corpus[i]!.category).length;
  console.log(
    `weak labels alone: coverage ${f3(covered / corpus.length)} accuracy ${f3(m.accuracy)} macro-F1 ${f3(macro)} (accuracy where a rule fired ${f3(right / covered)})`,
  );
}

function human(examples: readonly CorpusExample[]): LabelledExample[] {
  return examples.map((e) => ({ ...e, source: 'human' as const }));
}

/** Trains on `train` (15 % of it held back for the temperature) and evaluates on `test`. */
function trainAndTest(
  algorithm: ClassifierAlgorithm,
  train: CorpusExample[],
  test: CorpusExample[],
  seed: number,
  rules = false,
) {
  const rng = new SeededRandom(seed).next;
  const split = stratifiedSplit(
    train.map((e) => e.category),
    0.15,
    rng,
  );
  const model = LogClassifier.train(human(split.train.map((i) => train[i]!)), {
    algorithm,
    categories: CATEGORIES,
    seed,
    calibration: human(split.holdout.map((i) => train[i]!)),
    ...(rules ? { features: { rules: DEFAULT_TAXONOMY } } : {}),
  });
  return evaluateClassifier(model, human(test));
}

function crossValidate(corpus: CorpusExample[], grouped: boolean): void {
  const rng = new SeededRandom(11).next;
  const labels = corpus.map((e) => e.category);
  const folds = grouped
    ? stratifiedGroupKFold(
        labels,
        corpus.map((e) => e.patternId),
        5,
        rng,
      )
    : stratifiedKFold(labels, 5, rng);
  // Each algorithm alone, and with the taxonomy's rules as a feature (`+rules`).
  const variants = Object.entries(ALGORITHMS).flatMap(([name, algorithm]) => [
    { name, algorithm, rules: false },
    { name: `${name}+rules`, algorithm, rules: true },
  ]);
  for (const { name, algorithm, rules } of variants) {
    const reports = folds.map((testIdx, f) => {
      const trainIdx = complement(corpus.length, testIdx);
      return trainAndTest(
        algorithm,
        trainIdx.map((i) => corpus[i]!),
        testIdx.map((i) => corpus[i]!),
        100 + f,
        rules,
      );
    });
    const acc = reports.map((r) => r.accuracy);
    const f1 = reports.map((r) => r.macroF1);
    console.log(
      `${grouped ? 'held-out-template' : 'random'} 5-fold ${name}: accuracy ${f3(mean(acc))} ±${f3(std(acc))} macro-F1 ${f3(mean(f1))} ±${f3(std(f1))} ECE ${f3(mean(reports.map((r) => r.ece)))} Brier ${f3(mean(reports.map((r) => r.brier)))}`,
    );
    if (grouped) {
      const worst = CATEGORIES.map((c) => [c, mean(reports.map((r) => r.perClass[c]!.f1))] as const)
        .sort((a, b) => a[1] - b[1])
        .slice(0, 4)
        .map(([c, v]) => `${c} ${f3(v)}`);
      console.log(`  lowest per-class F1: ${worst.join(', ')}`);
    }
  }
}

interface CurvePoint {
  accuracy: number;
  macroF1: number;
}

type Mode = 'random' | 'active' | 'active-uncertainty-only' | 'random-no-weak';

/**
 * One learning curve: the pool's weak labels (of patterns nobody labelled yet) plus the human
 * labels bought so far; budgets are reached in batches of 25 after 10 random seed labels.
 */
function learningCurve(
  algorithm: ClassifierAlgorithm,
  mode: Mode,
  pool: CorpusExample[],
  test: CorpusExample[],
  seed: number,
): Map<number, CurvePoint> {
  const rng = new SeededRandom(seed * 7919).next;
  const weak = pool.map((e): LabelledExample | null => {
    const w = weakLabel(e, DEFAULT_TAXONOMY);
    return w === null ? null : { ...e, category: w.category, source: 'weak', weight: w.strength };
  });
  const labelled = new Set<number>();
  const order = pool.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const r = Math.floor(rng() * (i + 1));
    [order[i], order[r]] = [order[r]!, order[i]!];
  }
  let cursor = 0;
  const takeRandom = (n: number): void => {
    while (n > 0 && cursor < order.length) {
      labelled.add(order[cursor++]!);
      n--;
    }
  };
  const train = (): LogClassifier => {
    const humanPatterns = new Set([...labelled].map((i) => pool[i]!.patternId));
    const examples: LabelledExample[] = [...labelled].map((i) => ({
      ...pool[i]!,
      source: 'human',
    }));
    if (mode !== 'random-no-weak') {
      weak.forEach((w, i) => {
        if (w !== null && !labelled.has(i) && !humanPatterns.has(pool[i]!.patternId))
          examples.push(w);
      });
    }
    // As Vigil trains its served models: the taxonomy's rules are a feature.
    return LogClassifier.train(examples, {
      algorithm,
      categories: CATEGORIES,
      seed,
      epochs: 5,
      features: { rules: DEFAULT_TAXONOMY },
    });
  };
  const out = new Map<number, CurvePoint>();
  takeRandom(INITIAL_SEEDS);
  const last = STEPS[STEPS.length - 1]!;
  while (labelled.size <= last) {
    if (
      mode === 'random-no-weak' &&
      new Set([...labelled].map((i) => pool[i]!.category)).size < 2
    ) {
      takeRandom(BATCH);
      continue;
    }
    const model = train();
    if (STEPS.includes(labelled.size)) {
      const r = evaluateClassifier(model, human(test));
      out.set(labelled.size, { accuracy: r.accuracy, macroF1: r.macroF1 });
    }
    if (labelled.size === last) break;
    const want = Math.min(BATCH, STEPS.find((b) => b > labelled.size)! - labelled.size);
    if (mode === 'active' || mode === 'active-uncertainty-only') {
      const candidates = pool
        .map((e, index) => ({ ...e, index }))
        .filter((c) => !labelled.has(c.index));
      for (const s of selectForLabelling(candidates, (c) => model.predict(c), want, {
        density: mode === 'active',
      })) {
        labelled.add(s.item.index);
      }
    } else takeRandom(want);
  }
  return out;
}

function curves(corpus: CorpusExample[], name: string, algorithm: ClassifierAlgorithm): void {
  const modes: Mode[] = ['random', 'active', 'active-uncertainty-only', 'random-no-weak'];
  const results = new Map<Mode, Map<number, CurvePoint[]>>(modes.map((m) => [m, new Map()]));
  for (const seed of SEEDS) {
    const split = stratifiedSplit(
      corpus.map((e) => e.category),
      0.3,
      new SeededRandom(seed).next,
    );
    const pool = split.train.map((i) => corpus[i]!);
    const test = split.holdout.map((i) => corpus[i]!);
    for (const mode of modes) {
      for (const [budget, point] of learningCurve(algorithm, mode, pool, test, seed)) {
        const list = results.get(mode)!.get(budget) ?? [];
        list.push(point);
        results.get(mode)!.set(budget, list);
      }
    }
  }
  console.log(`learning curves (${name}, 70/30 split, mean of ${SEEDS.length} seeds):`);
  for (const mode of modes) {
    for (const budget of BUDGETS) {
      const points = results.get(mode)!.get(budget) ?? [];
      if (points.length === 0) continue;
      console.log(
        `${mode} labels ${budget} accuracy ${f3(mean(points.map((p) => p.accuracy)))} macro-F1 ${f3(mean(points.map((p) => p.macroF1)))}`,
      );
    }
  }
  const reach = modes.map((mode) => {
    const step = STEPS.find(
      (b) =>
        mean(
          results
            .get(mode)!
            .get(b)!
            .map((p) => p.macroF1),
        ) >= TARGET_F1,
    );
    return `${mode} ${step ?? `>${STEPS[STEPS.length - 1]}`}`;
  });
  console.log(
    `labels to reach mean macro-F1 ${TARGET_F1} (steps of ${BATCH}): ${reach.join(', ')}`,
  );
}

function throughput(corpus: CorpusExample[], algorithm: ClassifierAlgorithm): void {
  const model = LogClassifier.train(human(corpus), { algorithm, categories: CATEGORIES, seed: 1 });
  const inputs = corpus.map(({ message, severity, service, patternId, template, paramCount }) => ({
    message,
    severity,
    service,
    patternId,
    template,
    paramCount,
  }));
  for (const x of inputs) model.predict(x); // warm-up
  let n = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < 2e9) {
    for (const x of inputs) model.predict(x);
    n += inputs.length;
    elapsed = Number(process.hrtime.bigint() - start);
  }
  const bytes = JSON.stringify(model.toState()).length;
  console.log(
    `throughput ${algorithm}: ${Math.round(n / (elapsed / 1e9))} predictions/s (${f3(elapsed / 1e3 / n)} µs each), state ${(bytes / 1e6).toFixed(1)} MB JSON`,
  );
}

function main(): void {
  const t0 = Date.now();
  const corpus = buildCorpus(new SeededRandom(1).next);
  describe(corpus);
  weakBaseline(corpus);
  crossValidate(corpus, false);
  crossValidate(corpus, true);
  for (const name of CURVES) curves(corpus, name, ALGORITHMS[name]!);
  throughput(corpus, 'naive_bayes');
  throughput(corpus, 'logistic_regression');
  console.log(`eval time ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

main();
