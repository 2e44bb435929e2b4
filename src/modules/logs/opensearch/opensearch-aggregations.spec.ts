import { parseQuery } from '../query/query-parser';
import { paramNumberField, paramStatsRequest } from './opensearch-aggregations';
import { OpenSearchRequests } from './opensearch-requests';
import { OpenSearchNames } from './opensearch-settings';

const T = '00000000-0000-4000-8000-0000000000aa';

describe(paramStatsRequest.name, () => {
  it('keeps records whose parameter is a number and asks for stats per fixed interval', () => {
    const scope = new OpenSearchRequests(new OpenSearchNames('logs-vigil')).forTenant(T);
    const { also, aggregation } = paramStatsRequest(3_600_000, 1);
    const filter = { tenantId: T, query: parseQuery(''), patternIds: ['p1'], from: 0 };
    const request = scope.search(scope.filter(filter, also), {
      size: 0,
      aggs: { result: aggregation },
    });
    expect(request.body).toMatchObject({
      size: 0,
      query: {
        bool: {
          filter: [
            { term: { 'vigil.tenant_id': { value: T } } },
            { range: { '@timestamp': { gte: 0, format: 'epoch_millis' } } },
            { terms: { 'vigil.pattern_id': ['p1'] } },
            { exists: { field: 'vigil.param_num.1' } },
          ],
        },
      },
      aggs: {
        result: {
          date_histogram: { field: '@timestamp', fixed_interval: '3600000ms', min_doc_count: 1 },
          aggs: { value: { stats: { field: 'vigil.param_num.1' } } },
        },
      },
    });
  });

  it('refuses parameters that have no double field', () => {
    expect(paramNumberField(31)).toBe('vigil.param_num.31');
    expect(() => paramStatsRequest(60_000, 32)).toThrow(RangeError);
    expect(() => paramStatsRequest(60_000, -1)).toThrow(RangeError);
  });
});
