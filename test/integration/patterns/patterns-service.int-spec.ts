import { DataSource } from 'typeorm';

import { MetricsService } from 'src/common/metrics/metrics.service';
import type { LogRecord } from 'src/modules/logs/log-record';
import { PatternRepository } from 'src/modules/patterns/pattern.repository';
import {
  MAX_TREES_PER_TENANT,
  OVERFLOW_SERVICE,
  PatternsService,
} from 'src/modules/patterns/patterns.service';

import { buildLogRecord } from '../../factories/log-record.factory';
import { createTestDatabase } from '../../support/test-database';

describe(PatternsService.name, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let repo: PatternRepository;
  let tenant: string;
  const services: PatternsService[] = [];

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
    await ds?.destroy();
    await db?.drop();
  });

  const make = () => {
    const s = new PatternsService(repo, new MetricsService());
    services.push(s);
    return s;
  };
  const record = (body: string, service = 'api'): LogRecord =>
    buildLogRecord({ tenantId: tenant, body, service });
  const line = (i: number) => `Request ${i} from 10.0.0.${i % 250} took ${i % 90} ms`;

  it('mines records, flushes their counts and resumes from its checkpoint after a restart', async () => {
    const sut = make();
    await sut.prepare(tenant);
    const recs = Array.from({ length: 20 }, (_, i) => record(line(i)));
    for (const r of recs) sut.assign(r);
    const id = recs[19]!.patternId!;
    expect(recs.slice(2).every((r) => r.patternId === id)).toBe(true);
    expect(recs[19]!.patternParams).toEqual(['19', '10.0.0.19', '19']);
    await sut.flush();
    await sut.checkpoint();

    const restarted = make();
    await restarted.prepare(tenant);
    const next = record(line(77));
    restarted.assign(next);
    expect(next.patternId).toBe(id);
    await restarted.flush();
    const row = await repo.transaction(tenant, (tx) => repo.find(tx, id));
    expect(row?.count).toBe(21);
  });

  it('mines services beyond the per-tenant cap in one shared tree', async () => {
    const sut = make();
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
});
