import { parseQuery } from '../query/query-parser';
import { OpenSearchRequests } from './opensearch-requests';
import { OpenSearchNames } from './opensearch-settings';

const T = '00000000-0000-4000-8000-0000000000aa';
const TENANT_TERM = { term: { 'vigil.tenant_id': { value: T } } };
const sut = new OpenSearchRequests(new OpenSearchNames('logs-vigil'));

describe(OpenSearchRequests.name, () => {
  const scope = sut.forTenant(T);

  it('targets the shared stream and the tenant’s own, routed by tenant', () => {
    expect(scope.targets).toBe(`logs-vigil-shared*,logs-vigil-${T}*`);
    const request = scope.count(scope.all());
    expect(request).toEqual({
      method: 'POST',
      path: `/logs-vigil-shared*,logs-vigil-${T}*/_count`,
      querystring: { routing: T, allow_no_indices: true, ignore_unavailable: true },
      body: { query: { bool: { filter: [TENANT_TERM] } } },
    });
  });

  it('puts the tenant term first, then time, services, levels, trace and the query', () => {
    const query = scope.filter({
      tenantId: T,
      from: 1000,
      to: 2000,
      services: ['api'],
      levels: ['error'],
      traceId: 'abc',
      query: parseQuery('timeout'),
    });
    expect(query).toEqual({
      bool: {
        filter: [
          TENANT_TERM,
          { range: { '@timestamp': { gte: 1000, lt: 2000, format: 'epoch_millis' } } },
          { terms: { 'service.name': ['api'] } },
          { terms: { 'log.level': ['error'] } },
          { term: { 'trace.id': { value: 'abc' } } },
          { term: { 'vigil.lexemes': { value: 'timeout' } } },
        ],
      },
    });
  });

  it('refuses a filter of another tenant', () => {
    expect(() => scope.filter({ tenantId: 'other', query: parseQuery('') })).toThrow(RangeError);
  });

  it('cannot build a search, count, delete or update without the tenant filter', () => {
    const bare = { match_all: {} };
    const other = sut.forTenant('00000000-0000-4000-8000-0000000000bb').all();
    for (const query of [bare, other]) {
      expect(() => scope.search(query, { size: 1 })).toThrow(/tenant filter/);
      expect(() => scope.searchPit('p', '1m', query, { size: 1 })).toThrow(/tenant filter/);
      expect(() => scope.count(query)).toThrow(/tenant filter/);
      expect(() => scope.deleteByQuery(query)).toThrow(/tenant filter/);
      expect(() => scope.updateByQuery(query, { source: '', params: {} })).toThrow(/tenant filter/);
    }
  });

  it('refuses tenant ids that would change an index name or path', () => {
    for (const bad of ['', 'A', '../x', 'a,b', 'a*', 'a b', '_all']) {
      expect(() => sut.forTenant(bad)).toThrow(RangeError);
      expect(() => sut.createAction(bad, 'id', true)).toThrow(RangeError);
    }
  });

  it('pages newest first with search_after on (timestamp, id)', () => {
    const request = scope.search(scope.all(), {
      size: 11,
      after: { timestamp: 5, id: 'x' },
      source: ['message'],
    });
    expect(request.body).toEqual({
      size: 11,
      track_total_hits: false,
      sort: [{ '@timestamp': { order: 'desc' } }, { 'vigil.id': { order: 'desc' } }],
      search_after: [5, 'x'],
      _source: ['message'],
      query: { bool: { filter: [TENANT_TERM] } },
    });
  });

  it('opens a point in time on the tenant’s streams and searches it without naming an index', () => {
    expect(scope.openPit('2m')).toEqual({
      method: 'POST',
      path: `/logs-vigil-shared*,logs-vigil-${T}*/_search/point_in_time`,
      querystring: { keep_alive: '2m', routing: T, expand_wildcards: 'open' },
    });
    const page = scope.searchPit('pit-1', '2m', scope.all(), { size: 3, sort: 'asc' });
    expect(page.path).toBe('/_search');
    expect(page.querystring).toBeUndefined();
    expect(page.body).toMatchObject({
      pit: { id: 'pit-1', keep_alive: '2m' },
      sort: [{ '@timestamp': { order: 'asc' } }, { 'vigil.id': { order: 'asc' } }],
    });
  });

  it('runs delete and update by query as refreshed tasks that do not stop at a conflict', () => {
    const del = scope.deleteByQuery(scope.all());
    expect(del).toMatchObject({
      method: 'POST',
      path: `/logs-vigil-shared*,logs-vigil-${T}*/_delete_by_query`,
      querystring: {
        wait_for_completion: false,
        refresh: true,
        conflicts: 'proceed',
        slices: 'auto',
        routing: T,
      },
    });
    const upd = scope.updateByQuery(scope.ids(['a', 'b']), { source: 'x', params: { p: 1 } });
    expect(upd.body).toEqual({
      query: { bool: { filter: [TENANT_TERM, { ids: { values: ['a', 'b'] } }] } },
      script: { lang: 'painless', source: 'x', params: { p: 1 } },
    });
  });

  it('writes with create actions (data streams take no other), routed by tenant', () => {
    expect(JSON.parse(sut.createAction(T, 'r1', true))).toEqual({
      create: { _index: `logs-vigil-${T}`, _id: 'r1', routing: T },
    });
    expect(JSON.parse(sut.createAction(T, 'r2', false))).toEqual({
      create: { _index: 'logs-vigil-shared', _id: 'r2', routing: T },
    });
    const bulk = sut.bulk(Buffer.from('x\n'), 'false');
    expect(bulk).toMatchObject({
      method: 'POST',
      path: '/_bulk',
      querystring: { refresh: 'false' },
    });
  });

  it('leaves routing out of writes and reads when routing by tenant is off', () => {
    const unrouted = new OpenSearchRequests(new OpenSearchNames('logs-vigil'), false);
    expect(JSON.parse(unrouted.createAction(T, 'r', false))).toEqual({
      create: { _index: 'logs-vigil-shared', _id: 'r' },
    });
    const s = unrouted.forTenant(T);
    for (const request of [
      s.count(s.all()),
      s.search(s.all(), { size: 1 }),
      s.openPit('1m'),
      s.deleteByQuery(s.all()),
    ]) {
      expect(request.querystring).not.toHaveProperty('routing');
    }
    expect(s.count(s.all()).body).toEqual({ query: { bool: { filter: [TENANT_TERM] } } });
  });

  it('cuts retention for several tenants with their terms, on every stream', () => {
    expect(sut.retentionDelete([T], 99)).toEqual({
      method: 'POST',
      path: '/logs-vigil-*/_delete_by_query',
      querystring: {
        wait_for_completion: false,
        refresh: true,
        conflicts: 'proceed',
        slices: 'auto',
        allow_no_indices: true,
      },
      body: {
        query: {
          bool: {
            filter: [
              { terms: { 'vigil.tenant_id': [T] } },
              { range: { '@timestamp': { lt: 99, format: 'epoch_millis' } } },
            ],
          },
        },
      },
    });
    expect(() => sut.retentionDelete([], 99)).toThrow(RangeError);
  });

  it('builds the ISM and stream requests on the plugin paths', () => {
    expect(sut.putPolicy('p', {}, { seqNo: 4, primaryTerm: 2 })).toMatchObject({
      method: 'PUT',
      path: '/_plugins/_ism/policies/p',
      querystring: { if_seq_no: 4, if_primary_term: 2 },
    });
    expect(sut.changePolicy('.ds-logs-vigil-shared-*', 'p')).toEqual({
      method: 'POST',
      path: '/_plugins/_ism/change_policy/.ds-logs-vigil-shared-*',
      body: { policy_id: 'p' },
    });
    expect(sut.deletePit('abc')).toEqual({
      method: 'DELETE',
      path: '/_search/point_in_time',
      body: { pit_id: ['abc'] },
    });
    expect(sut.createSharedStream().path).toBe('/_data_stream/logs-vigil-shared');
  });
});
