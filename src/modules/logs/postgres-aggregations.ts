import {
  MAX_ORDER,
  MIN_ORDER,
  PARAM_NUMBER_MAX_LENGTH,
  PARAM_NUMBER_PATTERN,
} from './param-number';
import type { SqlParams } from './query/postgres-query.translator';

/**
 * The time bucket of a row: `intervalMs` wide, aligned on the epoch (as OpenSearch's
 * fixed_interval is), so that every aggregation over time agrees on bucket starts.
 */
export function timeBucketSql(params: SqlParams, intervalMs: number): string {
  const seconds = params.add(intervalMs / 1000);
  return `date_bin(make_interval(secs => ${seconds}), ts, timestamptz 'epoch')`;
}

/**
 * Count, mean, min and max per time bucket of parameter `index` over the rows `where` selects,
 * counting only values that are numbers by the rule of param-number.ts. The text becomes a
 * `numeric` only once it passed the grammar and length check, and a double only once its
 * magnitude fits: each cast is guarded by the CASE before it, so no log line can make the query
 * fail.
 */
export function paramStatsSql(
  where: string,
  params: SqlParams,
  intervalMs: number,
  index: number,
): string {
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`bad parameter index ${index}`);
  const bucket = timeBucketSql(params, intervalMs);
  // Postgres arrays are 1-based.
  const value = `pattern_params[${params.add(index + 1)}::int]`;
  const decimal =
    `CASE WHEN length(${value}) <= ${PARAM_NUMBER_MAX_LENGTH}` +
    ` AND ${value} ~ '${PARAM_NUMBER_PATTERN}' THEN ${value}::numeric END`;
  const double =
    `CASE WHEN d = 0 THEN 0::float8` +
    ` WHEN abs(d) >= 1e${MIN_ORDER} AND abs(d) < 1e${MAX_ORDER + 1} THEN d::float8 END`;
  return `SELECT start, count(*) AS n, avg(x) AS mean, min(x) AS min, max(x) AS max
  FROM (SELECT start, ${double} AS x
          FROM (SELECT ${bucket} AS start, ${decimal} AS d
                  FROM tenant_logs WHERE ${where}) AS decimals) AS numbers
 WHERE x IS NOT NULL GROUP BY start ORDER BY start`;
}
