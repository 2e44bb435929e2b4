import { paramStatsSql, timeBucketSql } from './postgres-aggregations';
import { SqlParams } from './query/postgres-query.translator';

describe(paramStatsSql.name, () => {
  it('buckets like the histogram and addresses the 1-based array element as a parameter', () => {
    const params = new SqlParams();
    const where = `tenant_id = ${params.add('t')}::uuid`;
    const sql = paramStatsSql(where, params, 3_600_000, 2);
    expect(params.values).toEqual(['t', 3600, 3]);
    expect(sql).toContain(
      `SELECT date_bin(make_interval(secs => $2), ts, timestamptz 'epoch') AS start`,
    );
    expect(sql).toContain('FROM tenant_logs WHERE tenant_id = $1::uuid');
    expect(sql).toContain('pattern_params[$3::int]');
    expect(sql).toMatch(/WHERE x IS NOT NULL GROUP BY start ORDER BY start$/);
  });

  it('casts only text that passed the checks before each cast', () => {
    const sql = paramStatsSql('true', new SqlParams(), 60_000, 0);
    expect(sql).toContain(
      `CASE WHEN length(pattern_params[$2::int]) <= 64 AND pattern_params[$2::int] ~ '^[+-]?`,
    );
    expect(sql).toContain('THEN pattern_params[$2::int]::numeric END AS d');
    expect(sql).toContain('WHEN abs(d) >= 1e-307 AND abs(d) < 1e308 THEN d::float8 END AS x');
  });

  it('refuses a negative or fractional index', () => {
    expect(() => paramStatsSql('true', new SqlParams(), 60_000, -1)).toThrow(RangeError);
    expect(() => paramStatsSql('true', new SqlParams(), 60_000, 0.5)).toThrow(RangeError);
  });
});

describe(timeBucketSql.name, () => {
  it('bins on the epoch in seconds', () => {
    const params = new SqlParams();
    expect(timeBucketSql(params, 1500)).toBe(
      `date_bin(make_interval(secs => $1), ts, timestamptz 'epoch')`,
    );
    expect(params.values).toEqual([1.5]);
  });
});
