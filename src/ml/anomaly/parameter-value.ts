/** Unit names by `parsed.unit`. */
export const UNIT_NAMES = ['value', 'ms', 'bytes', '%'];
/** [suffix, unit (1 duration, 2 size, 3 percent), factor to ms or bytes]. */
// prettier-ignore
const SUFFIXES: readonly [string, number, number][] = [
  ['ms', 1, 1], ['s', 1, 1000], ['us', 1, 1e-3], ['µs', 1, 1e-3], ['ns', 1, 1e-6],
  ['min', 1, 60_000], ['h', 1, 3_600_000],
  ['B', 2, 1], ['bytes', 2, 1], ['KB', 2, 1e3], ['kB', 2, 1e3], ['KiB', 2, 1024],
  ['MB', 2, 1e6], ['MiB', 2, 1024 ** 2], ['GB', 2, 1e9], ['GiB', 2, 1024 ** 3],
  ['%', 3, 1],
];
/** Scratch outputs of {@link parseMeasure} (overwritten by each call), so parsing allocates nothing. */
export const parsed = {
  /** 0 plain value, 1 duration (ms), 2 size (bytes), 3 percent. */
  unit: 0,
  integer: false,
  /** Leading zeros or more than 15 digits: an identifier rather than a measurement. */
  idLike: false,
};

/**
 * Parses `250`, `1.5s`, `-3`, `12KB`, `99%` into a number in ms / bytes / as is, or NaN, without
 * allocating (a hand-written scan, then `parseFloat`). Sets the scratch {@link parsed}; units after the
 * conventions of UCUM (Schadow & McDonald, "The Unified Code for Units of Measure").
 *
 * @example
 *   parseMeasure('1.5s'); // 1500 (ms)
 *   parseMeasure('0x1f'); // NaN
 */
export function parseMeasure(s: string): number {
  const n = s.length;
  if (n === 0 || n > 40) return Number.NaN;
  let i = s.charCodeAt(0) === 43 || s.charCodeAt(0) === 45 ? 1 : 0;
  const start = i;
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  const intDigits = i - start;
  let digits = intDigits;
  parsed.integer = true;
  if (i < n && s.charCodeAt(i) === 46) {
    parsed.integer = false;
    const f = ++i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    digits += i - f;
  }
  if (digits === 0) return Number.NaN;
  parsed.idLike = intDigits > 15 || (parsed.integer && intDigits > 1 && s.charCodeAt(start) === 48);
  if (i === n) {
    parsed.unit = 0;
    return parseFloat(s);
  }
  for (const [suffix, unit, factor] of SUFFIXES) {
    if (n - i === suffix.length && s.startsWith(suffix, i)) {
      parsed.unit = unit;
      return parseFloat(s) * factor;
    }
  }
  return Number.NaN;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
