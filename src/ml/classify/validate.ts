/**
 * Input checks shared by the classifiers of this directory: they throw RangeError, as src/ml does
 * for bad arguments, and check every element rather than the first.
 */
import type { SparseVector } from '../text/hashed-ngrams';

/** Strictly increasing non-negative integer indices, finite values, equal lengths. */
export function checkVector(x: SparseVector): void {
  const { indices, values } = x;
  if (indices.length !== values.length) {
    throw new RangeError(`sparse vector: ${indices.length} indices but ${values.length} values`);
  }
  let last = -1;
  for (let k = 0; k < indices.length; k++) {
    const j = indices[k] as number;
    if (!Number.isInteger(j) || j <= last) {
      throw new RangeError(`sparse vector: indices must be increasing integers >= 0 (at ${k})`);
    }
    if (!Number.isFinite(values[k])) throw new RangeError(`sparse vector: value ${k} not finite`);
    last = j;
  }
}

export function checkClass(label: number, classes: number): void {
  if (!Number.isInteger(label) || label < 0 || label >= classes) {
    throw new RangeError(`label must be an integer in [0, ${classes}), got ${label}`);
  }
}

export function checkWeight(weight: number): void {
  if (!(weight >= 0 && Number.isFinite(weight))) {
    throw new RangeError(`weight must be finite and >= 0, got ${weight}`);
  }
}

/** An array of `length` finite numbers, each >= `min` when given. */
export function isFiniteArray(x: unknown, length: number, min?: number): x is number[] {
  if (!Array.isArray(x) || x.length !== length) return false;
  for (const v of x) {
    if (typeof v !== 'number' || !Number.isFinite(v)) return false;
    if (min !== undefined && v < min) return false;
  }
  return true;
}
