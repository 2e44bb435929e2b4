import type { LogRecord } from 'src/modules/logs/log-record';
import type { LogFilterSpec, LogStore } from 'src/modules/logs/log-store.port';
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
}
