import { SubjectMatcher } from 'src/common/privacy/subject-matcher';
import { parseQuery } from 'src/modules/logs/query/query-parser';
import { createOpenSearchClient } from 'src/modules/logs/opensearch/opensearch-client';
import type {
  OpenSearchClock,
  OpenSearchStoreSettings,
} from 'src/modules/logs/opensearch/opensearch-settings';
import { OpenSearchStoreError } from 'src/modules/logs/opensearch/opensearch-transport';
import { OpenSearchLogStore } from 'src/modules/logs/opensearch-log-store.adapter';
import type { LogRecord } from 'src/modules/logs/log-record';

import { describeLogStoreContract } from '../../contracts/log-store.contract';
import { buildLogRecord } from '../../factories/log-record.factory';
import { error, FakeOpenSearch, type SeenRequest } from '../../support/fake-opensearch';

const A = '00000000-0000-4000-8000-0000000000aa';
const B = '00000000-0000-4000-8000-0000000000bb';

/** Records every sleep instead of waiting; `random` is fixed so that delays are exact. */
class TestClock implements OpenSearchClock {
  readonly sleeps: number[] = [];
  #elapsed = 0;
  constructor(private readonly rnd = 0.5) {}
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.#elapsed += ms;
  }
  random(): number {
    return this.rnd;
  }
  now(): number {
    return Date.now() + this.#elapsed;
  }
}

async function open(
  fake: FakeOpenSearch,
  settings: Partial<OpenSearchStoreSettings> = {},
  clock = new TestClock(),
): Promise<{ store: OpenSearchLogStore; clock: TestClock }> {
  const url = await fake.start();
  const client = createOpenSearchClient({
    nodes: [url],
    auth: null,
    caFile: undefined,
    tlsInsecure: false,
    indexPrefix: 'logs-vigil',
    dedicatedTenantLimit: 100,
    routeByTenant: true,
    sharedShards: 1,
    replicas: 0,
    bulkMaxBytes: 1 << 20,
  });
  return { store: new OpenSearchLogStore(client, { settings, clock }), clock };
}

// The whole contract against the fake server: it exercises the adapter's requests, response
// handling, paging, retention and erasure flows end to end. The fake evaluates queries with the
// documented semantics but is not OpenSearch; the real run is opensearch-log-store.int-spec.ts.
describeLogStoreContract(
  'OpenSearch adapter against the fake OpenSearch server (not OpenSearch)',
  async () => {
    const fake = new FakeOpenSearch();
    fake.taskPollsBeforeDone = 0;
    const { store } = await open(fake, { dedicatedTenantLimit: 1 });
    return { store, cleanup: () => fake.stop() };
  },
);

describe('OpenSearchLogStore against a fake OpenSearch server on 127.0.0.1', () => {
  let fake: FakeOpenSearch;
  /** Servers a test starts besides `fake`, stopped after it. */
  const extraServers: FakeOpenSearch[] = [];
  let store: OpenSearchLogStore;
  let clock: TestClock;

  beforeEach(async () => {
    fake = new FakeOpenSearch();
    ({ store, clock } = await open(fake, {
      maxAttempts: 4,
      backoffBaseMs: 100,
      backoffCapMs: 300,
    }));
  });
  afterEach(async () => {
    for (const server of extraServers.splice(0)) await server.stop();
    await store.close();
    await fake.stop();
  });

  const bulks = (): SeenRequest[] => fake.seen('POST', /^\/_bulk$/);

  it('bootstraps idempotently: templates replaced, policies and the shared stream created once', async () => {
    await store.bootstrap();
    await store.bootstrap();
    const second = (await open(fake)).store;
    await second.bootstrap();
    await second.close();
    expect([...fake.componentTemplates.keys()].sort()).toEqual([
      'logs-vigil-mappings',
      'logs-vigil-settings',
    ]);
    expect([...fake.indexTemplates.keys()].sort()).toEqual([
      'logs-vigil-template',
      'logs-vigil-template-shared',
    ]);
    expect([...fake.policies.keys()].sort()).toEqual([
      'logs-vigil-retention',
      'logs-vigil-retention-shared',
    ]);
    expect(fake.seen('PUT', /^\/_plugins\/_ism\/policies\//)).toHaveLength(2);
    expect(fake.seen('PUT', /^\/_data_stream\/logs-vigil-shared$/)).toHaveLength(3);
    expect([...fake.streams]).toEqual(['logs-vigil-shared']);
  });

  it('reports per-item refusals as rejections and retries only the items refused with 429', async () => {
    const records = [0, 1, 2, 3].map((i) => buildLogRecord({ tenantId: A, body: `item ${i}` }));
    let first = true;
    fake.faults.push((r) => {
      if (r.path !== '/_bulk' || !first) return undefined;
      first = false;
      const lines = r.body as Array<{ create?: { _index: string; _id: string } }>;
      const ids = lines
        .filter((l) => l.create)
        .map((l) => l.create as { _index: string; _id: string });
      const answer = (i: number, status: number, type?: string, reason?: string): unknown => ({
        create: {
          _index: `.ds-${ids[i]?._index}-000001`,
          _id: ids[i]?._id,
          status,
          ...(type ? { error: { type, reason } } : { result: 'created' }),
        },
      });
      // Recorded shapes: a mapping refusal, a write-queue rejection, and successes.
      const items = [
        answer(0, 201),
        answer(
          1,
          400,
          'mapper_parsing_exception',
          'failed to parse field [vigil.attr.x] of type [keyword]',
        ),
        answer(
          2,
          429,
          'es_rejected_execution_exception',
          'rejected execution of coordinating operation',
        ),
        answer(3, 201),
      ];
      return { status: 200, body: { took: 5, errors: true, items } };
    });
    const { rejected } = await store.append(records);
    expect(Object.fromEntries(rejected)).toEqual({
      1: 'rejected by the log store: mapper_parsing_exception: failed to parse field [vigil.attr.x] of type [keyword]',
    });
    const sent = bulks().map((r) =>
      (r.body as Array<{ create?: { _id: string } }>)
        .filter((l) => l.create)
        .map((l) => l.create?._id),
    );
    expect(sent).toEqual([records.map((r) => r.id), [records[2]?.id]]);
    expect(clock.sleeps).toEqual([50]);
  });

  it('retries a whole bulk refused with 429, 502, 503 and 504, backing off with full jitter', async () => {
    const statuses = [429, 503, 502, 504];
    fake.faults.push((r) => {
      if (r.path !== '/_bulk') return undefined;
      const status = statuses.shift();
      return status
        ? error(status, 'es_rejected_execution_exception', 'rejected execution')
        : undefined;
    });
    // Base 100 ms, cap 300 ms, random 0.5, 4 attempts: the fourth refusal is one too many.
    await expect(store.append([buildLogRecord({ tenantId: A })])).rejects.toBeInstanceOf(
      OpenSearchStoreError,
    );
    expect(clock.sleeps).toEqual([50, 100, 150]);
    expect(bulks()).toHaveLength(4);
    // One more answer and the same record goes through on the next append.
    const { rejected } = await store.append([
      buildLogRecord({ tenantId: A, body: 'after the storm' }),
    ]);
    expect(rejected.size).toBe(0);
    expect(await store.count({ tenantId: A, query: parseQuery('storm') })).toBe(1);
  });

  it('does not retry a 400 or a 500, and gives up after maxAttempts of per-item 429s', async () => {
    fake.faults.push((r) =>
      r.path === '/_bulk' ? error(400, 'illegal_argument_exception', 'bad') : undefined,
    );
    await expect(store.append([buildLogRecord({ tenantId: A })])).rejects.toThrow(
      /illegal_argument_exception: bad/,
    );
    expect(bulks()).toHaveLength(1);
    fake.faults.length = 0;
    fake.faults.push((r) =>
      r.path === '/_bulk' ? error(500, 'null_pointer_exception', 'oops') : undefined,
    );
    await expect(store.append([buildLogRecord({ tenantId: A })])).rejects.toThrow(
      /null_pointer_exception: oops/,
    );
    expect(bulks()).toHaveLength(2);
    expect(clock.sleeps).toEqual([]);
    fake.faults.length = 0;
    fake.faults.push((r) => {
      if (r.path !== '/_bulk') return undefined;
      const lines = r.body as Array<{ create?: { _id: string } }>;
      const items = lines
        .filter((l) => l.create)
        .map((l) => ({
          create: {
            _id: l.create?._id,
            status: 429,
            error: { type: 'es_rejected_execution_exception', reason: 'queue full' },
          },
        }));
      return { status: 200, body: { took: 1, errors: true, items } };
    });
    clock.sleeps.length = 0;
    await expect(store.append([buildLogRecord({ tenantId: A })])).rejects.toThrow(
      /still refused 1 of 1 records after 4 attempts/,
    );
    expect(clock.sleeps).toEqual([50, 100, 150]);
  });

  it('treats 409 (id stored by an earlier attempt) as stored, so a retried write is not a rejection', async () => {
    const record = buildLogRecord({ tenantId: A, body: 'only once' });
    expect((await store.append([record])).rejected.size).toBe(0);
    expect((await store.append([record])).rejected.size).toBe(0);
    expect(await store.count({ tenantId: A, query: parseQuery('once') })).toBe(1);
  });

  it('splits bulks by documents and by bytes', async () => {
    const other = new FakeOpenSearch();
    extraServers.push(other);
    const { store: bounded } = await open(other, { bulkMaxDocuments: 3, bulkMaxBytes: 4000 });
    const records = Array.from({ length: 7 }, (_, i) =>
      buildLogRecord({ tenantId: A, body: `small ${i}` }),
    );
    expect((await bounded.append(records)).rejected.size).toBe(0);
    const sizes = (): number[] =>
      other.seen('POST', /^\/_bulk$/).map((r) => (r.body as unknown[]).length / 2);
    expect(sizes()).toEqual([3, 3, 1]);
    const before = sizes().length;
    const big = Array.from({ length: 5 }, (_, i) =>
      buildLogRecord({ tenantId: A, body: `big ${i} ${'w '.repeat(350)}` }),
    );
    expect((await bounded.append(big)).rejected.size).toBe(0);
    const bigBulks = other.seen('POST', /^\/_bulk$/).slice(before);
    expect(bigBulks.length).toBeGreaterThan(2);
    for (const r of bigBulks) {
      const bytes = (r.body as unknown[]).reduce<number>(
        (n, line) => n + JSON.stringify(line).length + 1,
        0,
      );
      expect(bytes).toBeLessThanOrEqual(4000);
    }
    expect(await bounded.count({ tenantId: A, query: parseQuery('') })).toBe(12);
    await bounded.close();
    await other.stop();
  });

  it('pages a listing through one point in time: no gap, no duplicate, while records arrive', async () => {
    const base = Date.now() - 3_600_000;
    const originals = Array.from({ length: 57 }, (_, i) =>
      // Runs of equal timestamps: the id breaks the ties.
      buildLogRecord({
        tenantId: A,
        timestamp: base + Math.floor(i / 4) * 1000,
        body: `paged ${i}`,
      }),
    );
    await store.append(originals);
    const spec = { tenantId: A, query: parseQuery('paged') };
    const seen: LogRecord[] = [];
    let page = await store.search(spec, 10);
    seen.push(...page.records);
    let arrivals = 0;
    while (page.hasMore) {
      // Newer and older records arrive between pages; the snapshot does not show them.
      await store.append([
        buildLogRecord({ tenantId: A, timestamp: base + 100_000, body: `paged late ${arrivals}` }),
        buildLogRecord({ tenantId: A, timestamp: base - 1000, body: `paged early ${arrivals++}` }),
      ]);
      const last = seen[seen.length - 1] as LogRecord;
      page = await store.search(spec, 10, { timestamp: last.timestamp, id: last.id });
      seen.push(...page.records);
    }
    const expected = [...originals].sort(
      (x, y) => y.timestamp - x.timestamp || (x.id < y.id ? 1 : -1),
    );
    expect(seen.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    const pitSearches = fake
      .seen('POST', /^\/_search$/)
      .map((r) => (r.body as { pit: { id: string } }).pit.id);
    expect(pitSearches).toHaveLength(6);
    expect(new Set(pitSearches).size).toBe(1);
    expect(fake.seen('POST', /point_in_time$/)).toHaveLength(1);
  });

  it('falls back to a live search when the point in time expired between pages', async () => {
    const base = Date.now() - 60_000;
    await store.append(
      Array.from({ length: 6 }, (_, i) =>
        buildLogRecord({ tenantId: A, timestamp: base + i, body: `pit ${i}` }),
      ),
    );
    const spec = { tenantId: A, query: parseQuery('pit') };
    const first = await store.search(spec, 4);
    fake.pits.clear();
    const last = first.records[3] as LogRecord;
    const second = await store.search(spec, 4, { timestamp: last.timestamp, id: last.id });
    expect([...first.records, ...second.records].map((r) => r.body)).toEqual([
      'pit 5',
      'pit 4',
      'pit 3',
      'pit 2',
      'pit 1',
      'pit 0',
    ]);
    expect(second.hasMore).toBe(false);
  });

  it('tracks a tenant erasure as a delete-by-query task, polling _tasks until it is done', async () => {
    fake.taskPollsBeforeDone = 3;
    await store.append([
      buildLogRecord({ tenantId: A }),
      buildLogRecord({ tenantId: A }),
      buildLogRecord({ tenantId: B }),
    ]);
    clock.sleeps.length = 0;
    expect(await store.eraseTenant(A)).toBe(2);
    const [dbq] = fake.seen('POST', /_delete_by_query$/);
    expect(dbq?.query.get('wait_for_completion')).toBe('false');
    expect(dbq?.query.get('routing')).toBe(A);
    expect(fake.seen('GET', /^\/_tasks\//)).toHaveLength(4);
    expect(clock.sleeps).toEqual([500, 500, 500]);
    expect(fake.streams.has(`logs-vigil-${A}`)).toBe(false);
    expect(await store.count({ tenantId: B, query: parseQuery('') })).toBe(1);
  });

  it('surfaces a task that finished with failures, and one that outlives its timeout', async () => {
    await store.bootstrap();
    fake.faults.push((r) =>
      r.method === 'GET' && r.path.startsWith('/_tasks/')
        ? {
            status: 200,
            body: {
              completed: true,
              response: {
                deleted: 1,
                failures: [
                  {
                    index: '.ds-x',
                    cause: { type: 'es_rejected_execution_exception', reason: 'busy' },
                  },
                ],
              },
            },
          }
        : undefined,
    );
    await expect(store.eraseTenant(A)).rejects.toThrow(
      /1 failures, first: es_rejected_execution_exception: busy/,
    );
    fake.faults.length = 0;
    fake.taskPollsBeforeDone = 1_000_000;
    const { store: impatient } = await open(fake, { taskTimeoutMs: 2000, taskPollMs: 500 });
    await expect(impatient.eraseTenant(A)).rejects.toThrow(/did not finish within 2000 ms/);
    await impatient.close();
  });

  it('rewrites erased records in update-by-query tasks bounded like a bulk', async () => {
    const { store: bounded } = await open(fake, { bulkMaxBytes: 1500 });
    const filler = 'words '.repeat(40);
    await bounded.append(
      Array.from({ length: 5 }, (_, i) =>
        buildLogRecord({ tenantId: A, body: `mail ${i} to alice@example.com ${filler}` }),
      ),
    );
    const matcher = new SubjectMatcher({
      emails: ['alice@example.com'],
      userIds: [],
      ips: [],
      values: [],
    });
    expect(await bounded.eraseSubject(A, matcher)).toEqual({ records: 5, fields: 5 });
    const updates = fake.seen('POST', /_update_by_query$/);
    expect(updates.length).toBeGreaterThan(1);
    for (const u of updates) {
      const { changes } = (u.body as { script: { params: { changes: object } } }).script.params;
      expect(Buffer.byteLength(JSON.stringify(changes))).toBeLessThanOrEqual(1500 + 100);
    }
    expect(await bounded.count({ tenantId: A, query: parseQuery('"alice@example.com"') })).toBe(0);
    expect(await bounded.count({ tenantId: A, query: parseQuery('erased') })).toBe(5);
    await bounded.close();
  });

  it('closes the point in time of an export once it is read', async () => {
    await store.append(Array.from({ length: 5 }, () => buildLogRecord({ tenantId: A })));
    const pages: number[] = [];
    for await (const page of store.exportTenant(A, 2)) pages.push(page.length);
    expect(pages).toEqual([2, 2, 1]);
    expect(fake.pits.size).toBe(0);
  });

  it('gives the first tenants streams of their own and routes the rest into the shared one', async () => {
    const { store: limited } = await open(fake, { dedicatedTenantLimit: 1 });
    await limited.append([
      buildLogRecord({ tenantId: A, body: 'from a' }),
      buildLogRecord({ tenantId: B, body: 'from b' }),
    ]);
    expect(fake.docs.map((d) => [d.stream, d.routing])).toEqual([
      [`logs-vigil-${A}`, A],
      ['logs-vigil-shared', B],
    ]);
    expect(await limited.count({ tenantId: A, query: parseQuery('from') })).toBe(1);
    expect(await limited.count({ tenantId: B, query: parseQuery('from') })).toBe(1);
    await limited.close();
  });

  it('sends the tenant term in every request over documents', async () => {
    await store.append([buildLogRecord({ tenantId: A, body: 'x' })]);
    await store.search({ tenantId: A, query: parseQuery('x') }, 5);
    await store.count({ tenantId: A, query: parseQuery('') });
    await store.histogram({ tenantId: A, query: parseQuery('') }, 60_000);
    await store.facets(
      { tenantId: A, query: parseQuery('') },
      { kind: 'column', name: 'service' },
      5,
    );
    await store.eraseTenant(A);
    const overDocuments = fake.requests.filter(
      (r) => /_search$|_count$|_by_query$/.test(r.path) && r.body,
    );
    expect(overDocuments.length).toBeGreaterThanOrEqual(5);
    for (const r of overDocuments) {
      expect(JSON.stringify((r.body as { query: unknown }).query)).toContain(
        `{"term":{"vigil.tenant_id":{"value":"${A}"}}}`,
      );
    }
  });
});
