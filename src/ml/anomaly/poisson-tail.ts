/**
 * Tail probabilities of the Poisson distribution, exact where the normal approximation (and the
 * Anscombe transform) are not: small counts far below their mean. Summed in log space from the
 * mode of the terms, so neither underflows; O(x) for P(X <= x).
 *
 * @example
 *   Math.exp(poissonLowerTailLog(0, 10)); // e^-10: ten expected, none seen
 *   zFromLogP(poissonLowerTailLog(0, 16)); // ≈ 5.6: as unlikely as 5.6 sd of a normal
 */
export function poissonLowerTailLog(x: number, mu: number): number {
  if (!(mu > 0)) return 0;
  const k = Math.floor(x);
  if (k < 0) return -Infinity;
  if (k >= mu) return 0; // at or above the mean: not a shortfall worth a number
  // Terms grow with j up to k < mu: the last is the largest; sum the rest relative to it.
  const logLast = k * Math.log(mu) - mu - logFactorial(k);
  let sum = 1;
  let ratio = 1;
  for (let j = k; j > 0; j--) {
    ratio *= j / mu;
    sum += ratio;
    if (ratio < 1e-17) break;
  }
  return logLast + Math.log(sum);
}

/**
 * The z of a standard normal whose upper tail has probability e^logP (0 for p >= 1/2): P. J.
 * Acklam's rational approximation of the normal quantile (relative error below 1.2e-9), and the
 * asymptotic expansion of Mills' ratio where p underflows.
 */
export function zFromLogP(logP: number): number {
  if (!(logP < Math.log(0.5))) return 0;
  if (logP > -700) return -normalQuantile(Math.exp(logP));
  const t = -logP;
  let z = Math.sqrt(2 * t);
  for (let i = 0; i < 3; i++) z = Math.sqrt(2 * (t - Math.log(z * Math.sqrt(2 * Math.PI))));
  return z;
}

const A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
];
const B = [
  -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
];
const C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
  4.374664141464968, 2.938163982698783,
];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];

/** The p-quantile of the standard normal, 0 < p < 1 (Acklam's algorithm). */
function normalQuantile(p: number): number {
  const poly = (c: number[], x: number) => c.reduce((acc, k) => acc * x + k, 0);
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(C, q) / (poly(D, q) * q + 1);
  }
  if (p > 1 - 0.02425) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (poly(A, r) * q) / (poly(B, r) * r + 1);
}

const LOG_FACTORIALS: number[] = [0];

/** ln(n!), tabulated up to 256 and by Stirling's series beyond. */
function logFactorial(n: number): number {
  if (n < 256) {
    for (let i = LOG_FACTORIALS.length; i <= n; i++) {
      LOG_FACTORIALS[i] = (LOG_FACTORIALS[i - 1] as number) + Math.log(i);
    }
    return LOG_FACTORIALS[n] as number;
  }
  return n * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI * n) + 1 / (12 * n) - 1 / (360 * n ** 3);
}
