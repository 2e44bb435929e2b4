import type { Pool } from 'pg';
import { DataSource } from 'typeorm';

import { PatternAccumulator } from 'src/modules/patterns/pattern-accumulator';
import { PatternRepository } from 'src/modules/patterns/pattern.repository';

import { createTestDatabase, testPool } from '../../support/test-database';

const HOUR = 3_600_000;
const BASE = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR;

describe(PatternRepository.name, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let pool: Pool;
  let sut: PatternRepository;
  let a: string;
  let b: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = testPool(db.url, 2);
    ds = new DataSource({ type: 'postgres', url: db.url, logging: ['error'] });
    await ds.initialize();
    sut = new PatternRepository(ds);
    const tenants = await pool.query<{ id: string }>(
      `INSERT INTO tenants (slug, name) VALUES ('pat-a', 'a'), ('pat-b', 'b') RETURNING id`,
    );
    [a, b] = tenants.rows.map((r) => r.id) as [string, string];
  });
  afterAll(async () => {
    await ds?.destroy();
    await pool?.end();
    await db?.drop();
  });

  const flush = async (acc: PatternAccumulator, tenantId: string) => {
    const { rekeys, deltas } = acc.take();
    await sut.flush(tenantId, rekeys, deltas);
  };
  const counts = async (tenantId: string, id: string) =>
    (
      await pool.query<{ hour: Date; count: string }>(
        'SELECT hour, count FROM pattern_counts WHERE tenant_id = $1 AND pattern_id = $2 ORDER BY hour',
        [tenantId, id],
      )
    ).rows.map((r) => [r.hour.getTime(), Number(r.count)]);

  it('adds successive flushes to the stored totals, hours and statistics', async () => {
    const acc = new PatternAccumulator();
    acc.add(a, 'api', 'p1', 'took <*> ms', ['5'], BASE, 'took 5 ms');
    acc.add(a, 'api', 'p1', 'took <*> ms', ['7'], BASE + HOUR, 'took 7 ms');
    await flush(acc, a);
    acc.add(a, 'api', 'p1', 'took <*> ms', ['5'], BASE + HOUR + 1, 'took 5 ms');
    await flush(acc, a);
    const row = await sut.transaction(a, (tx) => sut.find(tx, 'p1'));
    expect(row).toMatchObject({ count: 3, examples: ['took 5 ms', 'took 7 ms', 'took 5 ms'] });
    expect(row?.paramStats[0]?.top).toEqual({ '5': 2, '7': 1 });
    expect(row?.paramStats[0]?.numeric).toEqual({ count: 3, min: 5, max: 7, sum: 17 });
    expect(row?.firstSeen.getTime()).toBe(BASE);
    expect(await counts(a, 'p1')).toEqual([
      [BASE, 1],
      [BASE + HOUR, 2],
    ]);
  });

  it('re-keys a stored row to its new id, keeping the old one as an alias', async () => {
    const acc = new PatternAccumulator();
    acc.add(a, 'api', 'old', 'user alice in', [], BASE, 'user alice in');
    await flush(acc, a);
    acc.rekey(a, 'api', 'old', 'new', 'user <*> in');
    acc.add(a, 'api', 'new', 'user <*> in', ['bob'], BASE + HOUR, 'user bob in');
    await flush(acc, a);
    const row = await sut.transaction(a, (tx) => sut.find(tx, 'old'));
    expect(row).toMatchObject({ id: 'new', template: 'user <*> in', count: 2, aliases: ['old'] });
    expect(await counts(a, 'old')).toEqual([]);
    expect(await counts(a, 'new')).toEqual([
      [BASE, 1],
      [BASE + HOUR, 1],
    ]);
  });

  it('folds a re-keyed row into an existing one with the new id', async () => {
    const acc = new PatternAccumulator();
    acc.add(a, 'w', 'x1', 'job 1 done', [], BASE, 'job 1 done');
    acc.add(a, 'w', 'x2', 'job <*> done', ['2'], BASE, 'job 2 done');
    await flush(acc, a);
    acc.rekey(a, 'w', 'x1', 'x2', 'job <*> done');
    await flush(acc, a);
    const rows = await pool.query<{ id: string; count: string; aliases: string[] }>(
      `SELECT id, count, aliases FROM patterns WHERE tenant_id = $1 AND service = 'w'`,
      [a],
    );
    expect(rows.rows).toEqual([{ id: 'x2', count: '2', aliases: ['x1'] }]);
    expect(await counts(a, 'x2')).toEqual([[BASE, 2]]);
  });

  it('keeps tenants apart: the same id in another tenant is another row', async () => {
    const acc = new PatternAccumulator();
    acc.add(b, 'api', 'p1', 'took <*> ms', ['9'], BASE, 'took 9 ms');
    await flush(acc, b);
    const mine = await sut.transaction(a, (tx) => sut.find(tx, 'p1'));
    const theirs = await sut.transaction(b, (tx) => sut.find(tx, 'p1'));
    expect(mine?.count).toBe(3);
    expect(theirs?.count).toBe(1);
    // Row-level security: a tenant transaction sees no row of another tenant, whatever it asks.
    const seen = await sut.transaction(b, (tx) =>
      tx.query<{ n: number }>('SELECT count(*)::int AS n FROM patterns'),
    );
    expect(seen[0]?.n).toBe(1);
  });

  it('erases a tenant’s catalogue, counts and snapshots only', async () => {
    await sut.checkpointSnapshot(b, 'api', () => ({ version: 1 }));
    expect(await sut.eraseTenant(b)).toEqual({
      pattern_counts: 1,
      patterns: 1,
      template_snapshots: 1,
    });
    expect((await sut.exportRows(a)).patterns.length).toBeGreaterThan(0);
    expect(await sut.exportRows(b)).toEqual({ patterns: [], counts: [] });
  });
});
