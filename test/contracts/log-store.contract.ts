import type { SubjectIdentifiers } from 'src/common/privacy/erasure-participant';
import { SubjectMatcher } from 'src/common/privacy/subject-matcher';
import type { LogRecord } from 'src/modules/logs/log-record';
import type { LogFilterSpec, LogStore, ParamStatsPoint } from 'src/modules/logs/log-store.port';
import { parseQuery } from 'src/modules/logs/query/query-parser';

import { buildLogRecord } from '../factories/log-record.factory';

export interface ContractSubject {
  store: LogStore;
  /** Removes what the subject created (database, indices). */
  cleanup(): Promise<void>;
}

const A = '00000000-0000-4000-8000-0000000000aa';
const B = '00000000-0000-4000-8000-0000000000bb';
const HOUR = 3_600_000;
/** The category of record `i` of the first suite is `CATEGORIES[i % 4]`: the last has none. */
const CATEGORIES: Array<Partial<LogRecord>> = [
  { category: 'security', categoryConfidence: 0.875 },
  { category: 'dependency_failure', categoryConfidence: 0.6 },
  { category: 'database' },
  {},
];
const DAY = 24 * HOUR;

/**
 * What every LogStore adapter must do, whatever it stores in. Run by each adapter's test with a
 * fresh subject (one per `describe`), so adapters cannot drift apart in behaviour.
 */
export function describeLogStoreContract(
  name: string,
  makeSubject: () => Promise<ContractSubject>,
): void {
  describe(`LogStore contract: ${name}`, () => {
    let subject: ContractSubject;
    let store: LogStore;
    const now = Math.floor(Date.now() / HOUR) * HOUR - HOUR; // an hour boundary, an hour ago
    const spec = (query = '', extra: Partial<LogFilterSpec> = {}): LogFilterSpec => ({
      tenantId: A,
      query: parseQuery(query),
      ...extra,
    });

    beforeAll(async () => {
      subject = await makeSubject();
      store = subject.store;
      const records: LogRecord[] = [];
      for (let i = 0; i < 40; i++) {
        records.push(
          buildLogRecord({
            tenantId: A,
            timestamp: now + i * 60_000,
            body:
              i % 4 === 0 ? `payment declined order=${i}` : `request served path=/api/items/${i}`,
            service: i % 4 === 0 ? 'payments' : 'web',
            severityText: i % 4 === 0 ? 'error' : 'info',
            severityNumber: i % 4 === 0 ? 17 : 9,
            host: `h${i % 3}`,
            attributes: { region: i % 2 ? 'eu' : 'us', 'http.status': i % 4 === 0 ? 500 : 200 },
            traceId: i === 7 ? '4bf92f3577b34da6a3ce929d0e0e4736' : null,
            patternId: i % 4 === 0 ? 'a000000000000001' : 'a000000000000002',
            patternParams: i % 4 === 0 ? [String(i)] : ['/api/items', String(i)],
            ...CATEGORIES[i % 4],
            // A confidence that is no probability is not stored; the category still is.
            ...(i === 6 ? { categoryConfidence: 1.5 } : {}),
          }),
        );
      }
      // Same timestamps, another tenant: must never show up for A.
      records.push(
        buildLogRecord({
          tenantId: B,
          timestamp: now,
          body: 'payment declined for tenant b',
          service: 'payments',
          category: 'security',
          categoryConfidence: 0.5,
        }),
      );
      const { rejected } = await store.append(records);
      expect(rejected.size).toBe(0);
    });
    afterAll(async () => {
      await subject.store.close();
      await subject.cleanup();
    });

    it('counts with tenant, time, service, level, trace and query filters', async () => {
      expect(await store.count(spec())).toBe(40);
      expect(await store.count(spec('', { tenantId: B }))).toBe(1);
      expect(await store.count(spec('declined'))).toBe(10);
      expect(await store.count(spec('"payment declined"'))).toBe(10);
      expect(await store.count(spec('declin*'))).toBe(10);
      expect(await store.count(spec('region:eu AND NOT service:payments'))).toBe(20);
      expect(await store.count(spec('http.status:500'))).toBe(10);
      expect(await store.count(spec('', { services: ['web'], levels: ['info'] }))).toBe(30);
      expect(await store.count(spec('', { traceId: '4bf92f3577b34da6a3ce929d0e0e4736' }))).toBe(1);
      expect(await store.count(spec('', { from: now + 10 * 60_000, to: now + 20 * 60_000 }))).toBe(
        10,
      );
    });

    it('filters on the pattern and on its parameters by position', async () => {
      expect(await store.count(spec('', { patternIds: ['a000000000000001'] }))).toBe(10);
      expect(await store.count(spec('pattern:a000000000000002'))).toBe(30);
      expect(await store.count(spec('pattern:a00000000000000*'))).toBe(40);
      expect(await store.count(spec('param.0:8 OR param.0:12'))).toBe(2);
      expect(await store.count(spec('param.1:1*'))).toBe(9);
      expect(await store.count(spec('param.0:/api/items AND NOT param.1:3*'))).toBe(21);
      expect(await store.count(spec('param.2:*'))).toBe(0);
    });

    it('filters on the category: exact in lower case, by prefix, present or absent', async () => {
      expect(await store.count(spec('category:security'))).toBe(10);
      expect(await store.count(spec('category:SECURITY AND level:error'))).toBe(10);
      expect(await store.count(spec('category:d*'))).toBe(20);
      expect(await store.count(spec('category:dependency_*'))).toBe(10);
      expect(await store.count(spec('category:dependency%*'))).toBe(0);
      expect(await store.count(spec('category:(database OR dependency_failure)'))).toBe(20);
      expect(await store.count(spec('category:*'))).toBe(30);
      expect(await store.count(spec('NOT category:*'))).toBe(10);
      expect(await store.count(spec('NOT category:security'))).toBe(30);
      expect(await store.count(spec('category:secur'))).toBe(0);
    });

    it('reads the category and its confidence back, and none where none was', async () => {
      const { records } = await store.search(spec('', { from: now, to: now + 8 * 60_000 }), 8);
      const byMinute = new Map(records.map((r) => [(r.timestamp - now) / 60_000, r]));
      const read = (i: number) => {
        const r = byMinute.get(i) as LogRecord;
        return { category: r.category ?? null, confidence: r.categoryConfidence ?? null };
      };
      expect(read(0)).toEqual({ category: 'security', confidence: expect.any(Number) });
      expect(read(0).confidence).toBeCloseTo(0.875, 6);
      expect(read(1).category).toBe('dependency_failure');
      expect(read(1).confidence).toBeCloseTo(0.6, 6);
      expect(read(2)).toEqual({ category: 'database', confidence: null });
      expect(read(3)).toEqual({ category: null, confidence: null });
      expect(read(6)).toEqual({ category: 'database', confidence: null });
    });

    it('pages newest first, strictly after the cursor, to the end', async () => {
      const seen: LogRecord[] = [];
      let page = await store.search(spec(), 15);
      seen.push(...page.records);
      while (page.hasMore) {
        const last = seen[seen.length - 1] as LogRecord;
        page = await store.search(spec(), 15, { timestamp: last.timestamp, id: last.id });
        seen.push(...page.records);
      }
      expect(seen).toHaveLength(40);
      expect(seen.map((r) => r.timestamp)).toEqual(
        [...seen.map((r) => r.timestamp)].sort((x, y) => y - x),
      );
      expect(new Set(seen.map((r) => r.id)).size).toBe(40);
      expect(seen.every((r) => r.tenantId === A)).toBe(true);
      expect(seen[0]).toMatchObject({
        attributes: { region: 'eu', 'http.status': 200 },
        service: 'web',
      });
    });

    it('buckets by interval and counts facet values', async () => {
      const buckets = await store.histogram(spec(), 10 * 60_000);
      expect(buckets).toEqual([0, 1, 2, 3].map((k) => ({ start: now + k * 600_000, count: 10 })));
      expect(await store.facets(spec(), { kind: 'column', name: 'service' }, 5)).toEqual([
        { value: 'web', count: 30 },
        { value: 'payments', count: 10 },
      ]);
      expect(await store.facets(spec('declined'), { kind: 'attribute', key: 'region' }, 5)).toEqual(
        [{ value: 'us', count: 10 }],
      );
      expect(await store.facets(spec(), { kind: 'column', name: 'host' }, 2)).toHaveLength(2);
      // Records without a category are no bucket; equal counts are ordered by value.
      expect(await store.facets(spec(), { kind: 'column', name: 'category' }, 5)).toEqual([
        { value: 'database', count: 10 },
        { value: 'dependency_failure', count: 10 },
        { value: 'security', count: 10 },
      ]);
      expect(
        await store.facets(spec('NOT service:payments'), { kind: 'column', name: 'category' }, 1),
      ).toEqual([{ value: 'database', count: 10 }]);
    });

    it('reports a record it cannot store without losing the others', async () => {
      const future = buildLogRecord({
        tenantId: B,
        timestamp: Date.now() + 30 * DAY,
        body: 'from the future',
      });
      const fine = buildLogRecord({ tenantId: B, body: 'stored fine' });
      const { rejected } = await store.append([future, fine]);
      if (rejected.size > 0) expect([...rejected.keys()]).toEqual([0]);
      expect(await store.count({ tenantId: B, query: parseQuery('"stored fine"') })).toBe(1);
    });

    it('enforces per-tenant retention', async () => {
      const t = Date.now();
      const old = [A, B].map((tenantId) =>
        buildLogRecord({ tenantId, timestamp: t - 3 * DAY, body: 'three days old' }),
      );
      expect((await store.append(old)).rejected.size).toBe(0);
      await store.maintain(
        new Map([
          [A, 1],
          [B, null],
        ]),
        t,
      );
      expect(await store.count(spec('"three days old"'))).toBe(0);
      expect(await store.count({ tenantId: B, query: parseQuery('"three days old"') })).toBe(1);
      await store.maintain(
        new Map([
          [A, 1],
          [B, null],
        ]),
        t + 30 * DAY,
      );
      expect(await store.count({ tenantId: B, query: parseQuery('') })).toBe(0);
    });
  });

  describe(`LogStore contract, parameter statistics: ${name}`, () => {
    let subject: ContractSubject;
    let store: LogStore;
    const now = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
    const TEN_MINUTES = 600_000;
    /** "GET /api/orders took <*> ms, status <*>" */
    const TOOK = 'c000000000000001';
    const OTHER = 'c000000000000002';
    const spec = (extra: Partial<LogFilterSpec> = {}, query = ''): LogFilterSpec => ({
      tenantId: A,
      query: parseQuery(query),
      ...extra,
    });
    /** Records of tenant A, by bucket: pattern, then its parameters. */
    const BUCKETS: Array<Array<[string, string[]]>> = [
      [
        [TOOK, ['12', '200']],
        [TOOK, ['30', 'ok']],
        [TOOK, ['slow', '404']],
        [TOOK, ['-2.5', '1e3']],
        [OTHER, ['1000']],
      ],
      // Nothing here is a number: no bucket.
      [
        [TOOK, ['12ms', 'x']],
        [TOOK, ['NaN', ' 7']],
        [TOOK, ['0x1A', 'Infinity']],
      ],
      [
        [TOOK, ['4', '0']],
        [TOOK, ['8', '-0']],
        [TOOK, ['1e999', '.5']],
        [TOOK, ['5']],
      ],
    ];

    beforeAll(async () => {
      subject = await makeSubject();
      store = subject.store;
      const records = BUCKETS.flatMap((bucket, b) =>
        bucket.map(([patternId, patternParams], i) =>
          buildLogRecord({
            tenantId: A,
            timestamp: now + b * TEN_MINUTES + i * 1000,
            body: `GET /api/orders took ${patternParams.join(' ms, status ')}`,
            patternId,
            patternParams,
          }),
        ),
      );
      // Same pattern and time, another tenant: must never count for A.
      records.push(
        buildLogRecord({
          tenantId: B,
          timestamp: now,
          body: 'GET /api/orders took 99999 ms, status 500',
          patternId: TOOK,
          patternParams: ['99999', '500'],
        }),
      );
      expect((await store.append(records)).rejected.size).toBe(0);
    });
    afterAll(async () => {
      await subject.store.close();
      await subject.cleanup();
    });

    /** The points, with means compared to 9 digits (stores sum in their own order). */
    function expectPoints(
      actual: ParamStatsPoint[],
      expected: Array<[bucket: number, count: number, mean: number, min: number, max: number]>,
    ): void {
      expect(actual.map((p) => [p.start, p.count, p.min, p.max])).toEqual(
        expected.map(([b, count, , min, max]) => [now + b * TEN_MINUTES, count, min, max]),
      );
      actual.forEach((p, k) =>
        expect(p.mean).toBeCloseTo((expected[k] as number[])[2] as number, 9),
      );
    }

    it('gives count, mean, min and max of the numbers among a parameter’s values', async () => {
      expectPoints(await store.paramStats(spec({ patternIds: [TOOK] }), TEN_MINUTES, 0), [
        [0, 3, 39.5 / 3, -2.5, 30],
        [2, 3, 17 / 3, 4, 8],
      ]);
      expectPoints(await store.paramStats(spec({ patternIds: [TOOK] }), TEN_MINUTES, 1), [
        [0, 3, 1604 / 3, 200, 1000],
        [2, 3, 0.5 / 3, 0, 0.5],
      ]);
    });

    it('filters with pattern:<id> in the query as with the pattern filter', async () => {
      const viaQuery = await store.paramStats(spec({}, `pattern:${TOOK}`), TEN_MINUTES, 0);
      expect(viaQuery).toEqual(
        await store.paramStats(spec({ patternIds: [TOOK] }), TEN_MINUTES, 0),
      );
      expectPoints(await store.paramStats(spec({}, `pattern:${OTHER}`), TEN_MINUTES, 0), [
        [0, 1, 1000, 1000, 1000],
      ]);
    });

    it('counts every pattern of the tenant without a filter, and no other tenant', async () => {
      expectPoints(await store.paramStats(spec(), 3 * TEN_MINUTES, 0), [
        [0, 7, (39.5 + 1000 + 17) / 7, -2.5, 1000],
      ]);
      expectPoints(await store.paramStats(spec({ tenantId: B }), TEN_MINUTES, 0), [
        [0, 1, 99999, 99999, 99999],
      ]);
      expect(
        await store.paramStats(
          spec({ from: now + TEN_MINUTES, to: now + 2 * TEN_MINUTES }),
          TEN_MINUTES,
          0,
        ),
      ).toEqual([]);
      expect(await store.paramStats(spec(), TEN_MINUTES, 5)).toEqual([]);
    });
  });

  describe(`LogStore contract, export and erasure: ${name}`, () => {
    let subject: ContractSubject;
    let store: LogStore;
    const t = Date.now() - HOUR;
    const subjectIds: SubjectIdentifiers = {
      emails: ['alice@example.com'],
      userIds: ['u-4711'],
      ips: ['10.1.2.3'],
      values: [],
    };

    beforeAll(async () => {
      subject = await makeSubject();
      store = subject.store;
      const records = [
        buildLogRecord({
          tenantId: A,
          timestamp: t,
          body: 'login ok for Alice@Example.com from 10.1.2.3',
          patternId: 'p-login',
          patternParams: ['Alice@Example.com', '10.1.2.3'],
        }),
        buildLogRecord({
          tenantId: A,
          timestamp: t + 1,
          body: 'GET /profile?mail=alice@example.com 200',
          attributes: { 'user.id': 'u-4711', 'client.ip': '10.1.2.3', note: 'kept', n: 7 },
        }),
        buildLogRecord({
          tenantId: A,
          timestamp: t + 2,
          body: 'nothing personal',
          attributes: { who: 'contact alice@example.com', other: 'u-47110 and 10.1.2.30' },
        }),
        buildLogRecord({ tenantId: A, timestamp: t + 3, body: 'bob@example.com and u-47110 stay' }),
        buildLogRecord({ tenantId: B, timestamp: t, body: 'tenant b knows alice@example.com too' }),
      ];
      for (let i = 0; i < 25; i++) {
        records.push(buildLogRecord({ tenantId: B, timestamp: t + 10 + i, body: `b filler ${i}` }));
      }
      expect((await store.append(records)).rejected.size).toBe(0);
    });
    afterAll(async () => {
      await subject.store.close();
      await subject.cleanup();
    });

    it('exports one tenant, oldest first, in pages', async () => {
      const pages: LogRecord[][] = [];
      for await (const page of store.exportTenant(B, 10)) pages.push(page);
      expect(pages.map((p) => p.length)).toEqual([10, 10, 6]);
      const all = pages.flat();
      expect(all.every((r) => r.tenantId === B)).toBe(true);
      expect(all.map((r) => r.timestamp)).toEqual(
        [...all.map((r) => r.timestamp)].sort((x, y) => x - y),
      );
      const a: LogRecord[] = [];
      for await (const page of store.exportTenant(A)) a.push(...page);
      expect(a.map((r) => r.body)).toEqual([
        'login ok for Alice@Example.com from 10.1.2.3',
        'GET /profile?mail=alice@example.com 200',
        'nothing personal',
        'bob@example.com and u-47110 stay',
      ]);
      expect(a[1]?.attributes).toEqual({
        'user.id': 'u-4711',
        'client.ip': '10.1.2.3',
        note: 'kept',
        n: 7,
      });
    });

    it('erases a data subject from bodies and attributes, keeping the records', async () => {
      const result = await store.eraseSubject(A, new SubjectMatcher(subjectIds));
      expect(result).toEqual({ records: 3, fields: 5 });
      const a: LogRecord[] = [];
      for await (const page of store.exportTenant(A)) a.push(...page);
      expect(a.map((r) => r.body)).toEqual([
        'login ok for [erased] from [erased]',
        'GET /profile?mail=[erased] 200',
        'nothing personal',
        'bob@example.com and u-47110 stay',
      ]);
      expect(a[1]?.attributes).toEqual({
        'user.id': '[erased]',
        'client.ip': '[erased]',
        note: 'kept',
        n: 7,
      });
      expect(a[2]?.attributes).toEqual({ who: 'contact [erased]', other: 'u-47110 and 10.1.2.30' });
      // The pattern's parameters are pieces of the body: erased with it, searchable as erased.
      expect(a[0]?.patternParams).toEqual(['[erased]', '[erased]']);
      expect(await store.count({ tenantId: A, query: parseQuery('param.1:10.1.2.3') })).toBe(0);
      expect(await store.count({ tenantId: A, query: parseQuery('param.0:"[erased]"') })).toBe(1);
      expect(await store.count({ tenantId: A, query: parseQuery('"alice@example.com"') })).toBe(0);
      expect(await store.count({ tenantId: B, query: parseQuery('"alice@example.com"') })).toBe(1);
      expect(await store.eraseSubject(A, new SubjectMatcher(subjectIds))).toEqual({
        records: 0,
        fields: 0,
      });
    });

    it('erases one tenant across partitions, leaving the others', async () => {
      const old = buildLogRecord({ tenantId: A, timestamp: Date.now() - 2 * DAY, body: 'older' });
      expect((await store.append([old])).rejected.size).toBe(0);
      expect(await store.eraseTenant(A)).toBe(5);
      expect(await store.count({ tenantId: A, query: parseQuery('') })).toBe(0);
      expect(await store.count({ tenantId: B, query: parseQuery('') })).toBe(26);
      expect(await store.eraseTenant(A)).toBe(0);
    });
  });
}
