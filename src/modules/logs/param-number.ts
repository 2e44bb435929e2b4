/**
 * When a pattern parameter counts as a number for `LogStore.paramStats`, the same in every store:
 * the Postgres store checks it in SQL (postgres-aggregations.ts), the OpenSearch store indexes the
 * value as a double at write time (`vigil.param_num.N`) and the in-memory store calls
 * `paramNumber`.
 *
 * The text must be a plain decimal: optional sign, digits with an optional fraction (or a bare
 * fraction), an optional exponent of at most three digits, nothing else (no units, spaces,
 * `NaN`, `Infinity`, hex) and at most `PARAM_NUMBER_MAX_LENGTH` characters. Its value must be
 * zero or have a magnitude in [1e-307, 1e308), where a double holds it without overflow or
 * underflow to zero. The bounds keep Postgres' casts from failing (a failed cast would fail the
 * whole query over one odd log line) and are decided on the decimal text, so every store draws
 * the line at the same value.
 */

/** Parameters `paramStats` can address: the OpenSearch store indexes numbers for these only. */
export const MAX_STATS_PARAM = 31;

/** What every store's `paramStats` checks first: a parameter index it can answer for. */
export function assertStatsParam(index: number): void {
  if (!Number.isInteger(index) || index < 0 || index > MAX_STATS_PARAM) {
    throw new RangeError(`parameter index must be an integer from 0 to ${MAX_STATS_PARAM}`);
  }
}

export const PARAM_NUMBER_MAX_LENGTH = 64;

/** The grammar, in a form both JavaScript and Postgres (ARE) regular expressions read alike. */
export const PARAM_NUMBER_PATTERN = '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]{1,3})?$';

const GRAMMAR = new RegExp(PARAM_NUMBER_PATTERN);
/** Floor of log10 of the smallest and largest magnitudes accepted. */
export const MIN_ORDER = -307;
export const MAX_ORDER = 307;

/** The parameter's value when it counts as a number (see above), else `null`. */
export function paramNumber(text: string): number | null {
  if (text.length > PARAM_NUMBER_MAX_LENGTH) return null;
  const m = GRAMMAR.exec(text);
  if (m === null) return null;
  const body = text.replace(/^[+-]/, '').replace(/[eE].*$/, '');
  const [whole = '', fraction = ''] = body.split('.');
  const digits = whole + fraction;
  const first = digits.search(/[1-9]/);
  if (first !== -1) {
    const exponent = m[3] === undefined ? 0 : Number(m[3].slice(1));
    const order = whole.length - 1 - first + exponent;
    if (order < MIN_ORDER || order > MAX_ORDER) return null;
  }
  // Zero stays zero: `-0` would read as a different value in Postgres' min and max.
  return first === -1 ? 0 : Number(text);
}
