import { randomBytes } from 'node:crypto';

import { DataSource } from 'typeorm';

import { MetricsService } from 'src/common/metrics/metrics.service';
import { RedisService } from 'src/common/redis/redis.service';
import { AppConfig } from 'src/config/app-config';
import { TenantConfigBus } from 'src/common/config-bus/tenant-config.bus';
import type { LogRecord } from 'src/modules/logs/log-record';
import { PatternRepository } from 'src/modules/patterns/pattern.repository';
import {
  MAX_TREES_PER_TENANT,
  OVERFLOW_SERVICE,
  PatternsService,
} from 'src/modules/patterns/patterns.service';

import { buildLogRecord } from '../../factories/log-record.factory';
import { createTestDatabase } from '../../support/test-database';
import { until } from '../../support/until';

describe(PatternsService.name, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let repo: PatternRepository;
  let tenant: string;
  const services: PatternsService[] = [];
  const redises: RedisService[] = [];
  const prefix = `vigil_test_patterns_${randomBytes(4).toString('hex')}:`;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = new DataSource({ type: 'postgres', url: db.url, logging: ['error'] });
    await ds.initialize();
    repo = new PatternRepository(ds);
    const rows = await ds.query<Array<{ id: string }>>(
      `INSERT INTO tenants (slug, name) VALUES ('svc-a', 'a') RETURNING id`,
    );
    tenant = rows[0]!.id;
  });
  afterAll(async () => {
    for (const s of services) s.onModuleDestroy();
    for (const r of redises) await r.onApplicationShutdown();
    await ds?.destroy();
    await db?.drop();
  });

  /** A replica: its own Redis connections and bus, sharing the database. */
  const make = async (metrics = new MetricsService(), repository = repo) => {
    const redis = new RedisService(
      new AppConfig({
        REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        REDIS_PREFIX: prefix,
      }),
    );
    redises.push(redis);
    const bus = new TenantConfigBus(redis);
    bus.onApplicationBootstrap();
    const s = new PatternsService(repository, metrics, bus);
    s.onModuleInit();
    services.push(s);
    await until(
      async () => bus.listening,
      (listening) => listening,
    );
    return s;
  };
  const record = (body: string, service = 'api'): LogRecord =>
    buildLogRecord({ tenantId: tenant, body, service });
  const line = (i: number) => `Request ${i} from 10.0.0.${i % 250} took ${i % 90} ms`;

  it('mines records, flushes their counts and resumes from its checkpoint after a restart', async () => {
    const sut = await make();
    await sut.prepare(tenant);
    const recs = Array.from({ length: 20 }, (_, i) => record(line(i)));
    for (const r of recs) sut.assign(r);
    const id = recs[19]!.patternId!;
    expect(recs.slice(2).every((r) => r.patternId === id)).toBe(true);
    expect(recs[19]!.patternParams).toEqual(['19', '10.0.0.19', '19']);
    await sut.flush();
    await sut.checkpoint();

    const restarted = await make();
    await restarted.prepare(tenant);
    const next = record(line(77));
    restarted.assign(next);
    expect(next.patternId).toBe(id);
    await restarted.flush();
    const row = await repo.transaction(tenant, (tx) => repo.find(tx, id));
    expect(row?.count).toBe(21);
  });

  it('keeps the counts of a failed flush and writes them, in order, with the next one', async () => {
    /** The real repository, with the database unreachable for the first flushes. */
    class FlakyRepository extends PatternRepository {
      failures = 2;
      override async flush(...args: Parameters<PatternRepository['flush']>) {
        if (this.failures-- > 0) throw new Error('connection terminated unexpectedly');
        return super.flush(...args);
      }
    }
    const flaky = new FlakyRepository(ds);
    const sut = await make(undefined, flaky);
    await sut.prepare(tenant);
    const batch = (from: number) =>
      Array.from({ length: 10 }, (_, i) => record(`Flaky upload ${from + i} took ${i} ms`, 'up'));
    const first = batch(0);
    for (const r of first) sut.assign(r);
    await sut.flush();
    for (const r of batch(10)) sut.assign(r);
    await sut.flush();
    expect(flaky.failures).toBe(0);
    await sut.flush();
    const row = await repo.transaction(tenant, (tx) => repo.find(tx, first[9]!.patternId!));
    expect(row?.count).toBe(20);
  });

  it('mines services beyond the per-tenant cap in one shared tree', async () => {
    const sut = await make();
    await sut.prepare(tenant);
    for (let i = 0; i < MAX_TREES_PER_TENANT + 3; i++)
      sut.assign(record('Service started', `s${i}`));
    await sut.flush();
    const rows = await ds.query<Array<{ service: string }>>(
      `SELECT DISTINCT service FROM patterns WHERE tenant_id = $1 AND service IN ($2, $3)`,
      [tenant, OVERFLOW_SERVICE, `s${MAX_TREES_PER_TENANT + 2}`],
    );
    expect(rows.map((r) => r.service)).toEqual([OVERFLOW_SERVICE]);
  });

  describe('across replicas', () => {
    let tenantB: string;
    beforeAll(async () => {
      const rows = await ds.query<Array<{ id: string }>>(
        `INSERT INTO tenants (slug, name) VALUES ('svc-b', 'b') RETURNING id`,
      );
      tenantB = rows[0]!.id;
    });
    const rec = (body: string, service = 'api'): LogRecord =>
      buildLogRecord({ tenantId: tenantB, body, service });
    const disk = (i: number) => `Disk check: sd${'abc'[i % 3]} is ${80 + i}% full`;
    const job = (i: number) => `Queue worker picked job ${i} after ${i % 9} retries`;

    it('converge: a replica absorbs what another checkpointed, and a checkpoint keeps both', async () => {
      const a = await make();
      const metricsB = new MetricsService();
      const b = await make(metricsB);
      await a.prepare(tenantB);
      await b.prepare(tenantB);
      const fromA = Array.from({ length: 5 }, (_, i) => rec(disk(i)));
      for (const r of fromA) a.assign(r);
      const fromB = Array.from({ length: 5 }, (_, i) => rec(job(i)));
      for (const r of fromB) b.assign(r);
      await b.checkpoint();
      const patternsOfB = async () =>
        (await metricsB.templatePatterns.get()).values.find((v) => v.labels.tenant === tenantB)
          ?.value ?? 0;
      const before = await patternsOfB();

      await a.checkpoint();
      // b hears of the checkpoint and absorbs it: a line it never saw gets a's id, not a new one.
      expect(await until(patternsOfB, (n) => n > before)).toBeGreaterThan(before);
      const probe = rec(disk(7));
      b.assign(probe);
      expect(probe.patternId).toBe(fromA[4]!.patternId);

      // b's checkpoint merges a's stored tree instead of overwriting it.
      await b.checkpoint();
      const c = await make();
      await c.prepare(tenantB);
      const [d, j] = [rec(disk(8)), rec(job(8))];
      c.assign(d);
      c.assign(j);
      expect(d.patternId).toBe(fromA[4]!.patternId);
      expect(j.patternId).toBe(fromB[4]!.patternId);
    });

    it('reset on one replica (an erasure) makes every replica forget the tenant', async () => {
      const a = await make();
      const metricsB = new MetricsService();
      const b = await make(metricsB);
      const patternsOf = async () =>
        (await metricsB.templatePatterns.get()).values.find((v) => v.labels.tenant === tenantB)
          ?.value ?? 0;
      await a.prepare(tenantB);
      await b.prepare(tenantB);
      b.assign(rec('Cache warmed for region eu-west in 40 ms', 'cache'));
      await b.checkpoint();
      expect(await patternsOf()).toBeGreaterThan(0);

      await a.resetTenant(tenantB);
      expect(await until(patternsOf, (n) => n === 0)).toBe(0);
    });
  });
});
