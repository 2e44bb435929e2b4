/** Words of PromQL that look like identifiers but are neither metrics nor functions. */
const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'group_left',
  'group_right',
  'Inf',
  'NaN',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression (with Grafana's `$variables`) selects, so a dashboard can be
 * checked against the metrics Vigil registers. Not a full PromQL parser: it blanks out strings,
 * label matchers, range/subquery brackets and grouping label lists (`by (...)`, `on (...)`...),
 * drops identifiers followed by `(` (functions, aggregations), then every identifier left is a
 * metric. `{__name__=~"a|b"}` selectors count as the names in the alternation.
 *
 * @example
 *   metricNames('sum by (le) (rate(x_bucket{a="b"}[$__rate_interval])) / y'); // ['x_bucket', 'y']
 */
export function metricNames(expr: string): string[] {
  const names = new Set<string>();
  for (const m of expr.matchAll(/__name__\s*=~?\s*"([^"]*)"/g)) {
    for (const name of m[1]!.split('|')) names.add(name);
  }
  const rest = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{[^}]*\}|\$\w+/g, ' ');
  for (const m of rest.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const before = rest[m.index - 1] ?? ' ';
    if (/[0-9.]/.test(before)) continue; // exponent or duration unit, as in 1e3 or offset 5m
    if (
      rest
        .slice(m.index + m[0].length)
        .trimStart()
        .startsWith('(')
    )
      continue;
    if (KEYWORDS.has(m[0])) continue;
    names.add(m[0]);
  }
  return [...names];
}
