/**
 * Softmax with a temperature: p_c = exp(z_c / T) / Σ exp(z_k / T), computed stably (the largest
 * score is subtracted first).
 *
 * @example
 *   softmax([Math.log(3), 0]); // [0.75, 0.25]
 *   softmax([Math.log(3), 0], 2); // [√3/(√3+1), 1/(√3+1)]
 */
export function softmax(logits: readonly number[], temperature = 1): number[] {
  if (!(temperature > 0)) throw new RangeError(`temperature must be > 0, got ${temperature}`);
  if (logits.length === 0) throw new RangeError('softmax of no scores');
  let max = -Infinity;
  for (const z of logits) if (z > max) max = z;
  let sum = 0;
  const out = logits.map((z) => {
    const e = Math.exp((z - max) / temperature);
    sum += e;
    return e;
  });
  for (let c = 0; c < out.length; c++) out[c] = (out[c] as number) / sum;
  return out;
}

/** Mean negative log-likelihood of the labels under softmax(logits / T). */
export function temperatureNll(
  logits: readonly (readonly number[])[],
  labels: readonly number[],
  temperature: number,
): number {
  let nll = 0;
  for (let i = 0; i < logits.length; i++) {
    const z = logits[i] as readonly number[];
    let max = -Infinity;
    for (const v of z) if (v > max) max = v;
    let sum = 0;
    for (const v of z) sum += Math.exp((v - max) / temperature);
    nll -= ((z[labels[i] as number] as number) - max) / temperature - Math.log(sum);
  }
  return nll / logits.length;
}

const T_MIN = 0.01;
const T_MAX = 100;

/**
 * Temperature scaling (Guo et al., "On Calibration of Modern Neural Networks", ICML 2017): the
 * one T > 0 that minimises the negative log-likelihood of held-out labels under softmax(z / T).
 * The NLL is convex in 1/T, so a golden-section search over log T in [0.01, 100] finds it. The
 * ranking of classes is unchanged; only the confidence is. T > 1 softens an over-confident model
 * (naive Bayes always is), T < 1 sharpens an under-confident one.
 *
 * @example
 *   const t = fitTemperature(holdoutLogits, holdoutLabels);
 *   softmax(model.logits(x), t);
 */
export function fitTemperature(
  logits: readonly (readonly number[])[],
  labels: readonly number[],
): number {
  if (logits.length === 0) throw new RangeError('fitTemperature needs at least one example');
  if (logits.length !== labels.length) {
    throw new RangeError(`${logits.length} score rows but ${labels.length} labels`);
  }
  logits.forEach((z, i) => {
    const y = labels[i] as number;
    if (!Number.isInteger(y) || y < 0 || y >= z.length) {
      throw new RangeError(`label ${i} (${y}) outside [0, ${z.length})`);
    }
    if (!z.every(Number.isFinite)) throw new RangeError(`scores of row ${i} not finite`);
  });
  const f = (logT: number): number => temperatureNll(logits, labels, Math.exp(logT));
  const ratio = (Math.sqrt(5) - 1) / 2;
  let a = Math.log(T_MIN);
  let b = Math.log(T_MAX);
  let c = b - ratio * (b - a);
  let d = a + ratio * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let it = 0; it < 60; it++) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - ratio * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + ratio * (b - a);
      fd = f(d);
    }
  }
  return Math.exp((a + b) / 2);
}

/**
 * Expected calibration error with equal-width confidence bins (Naeini et al., AAAI 2015; Guo et
 * al. 2017): Σ_b (n_b / n)·|accuracy_b − mean confidence_b|, where each prediction falls in the
 * bin of its top-class confidence ((0, 0.1], (0.1, 0.2], …; a confidence of 0 goes to the first).
 *
 * @example
 *   expectedCalibrationError([0.9, 0.9], [true, false]); // 0.4
 */
export function expectedCalibrationError(
  confidences: readonly number[],
  correct: readonly boolean[],
  bins = 10,
): number {
  if (confidences.length !== correct.length) {
    throw new RangeError(`${confidences.length} confidences but ${correct.length} outcomes`);
  }
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be >= 1, got ${bins}`);
  const n = confidences.length;
  if (n === 0) return 0;
  const count = new Array<number>(bins).fill(0);
  const conf = new Array<number>(bins).fill(0);
  const hits = new Array<number>(bins).fill(0);
  confidences.forEach((p, i) => {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`confidence ${i} outside [0, 1]: ${p}`);
    const b = Math.min(bins - 1, Math.max(0, Math.ceil(p * bins) - 1));
    count[b]!++;
    conf[b]! += p;
    if (correct[i]) hits[b]!++;
  });
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    const m = count[b] as number;
    if (m > 0) ece += (m / n) * Math.abs((hits[b] as number) / m - (conf[b] as number) / m);
  }
  return ece;
}

/**
 * Multi-class Brier score (Brier, 1950): the mean over examples of Σ_c (p_c − y_c)², where y is
 * the one-hot true class; 0 is perfect, 2 is confidently wrong every time.
 *
 * @example
 *   brierScore([[0.8, 0.2]], [0]); // 0.08
 */
export function brierScore(
  probabilities: readonly (readonly number[])[],
  labels: readonly number[],
): number {
  if (probabilities.length !== labels.length) {
    throw new RangeError(`${probabilities.length} rows but ${labels.length} labels`);
  }
  if (probabilities.length === 0) return 0;
  let sum = 0;
  probabilities.forEach((p, i) => {
    const y = labels[i] as number;
    if (!Number.isInteger(y) || y < 0 || y >= p.length) {
      throw new RangeError(`label ${i} (${y}) outside [0, ${p.length})`);
    }
    p.forEach((pc, c) => {
      const d = pc - (c === y ? 1 : 0);
      sum += d * d;
    });
  });
  return sum / probabilities.length;
}
