import { buildLogRecord, TENANT_A } from '../../../test/factories/log-record.factory';
import { InMemoryLogStore } from '../../../test/fakes/in-memory-log-store';
import { LogCursorCodec } from './log-cursor.codec';
import { LogSearchService, parseInterval } from './log-search.service';
import type { LogRecord } from './log-record';
import { LogsError } from './logs.errors';
import { PatternAliases } from './pattern-aliases.port';

const TENANT_B = '00000000-0000-4000-8000-00000000000b';
const codec = new LogCursorCodec(Buffer.alloc(32, 7));

describe(LogSearchService.name, () => {
  const base = Date.UTC(2026, 10, 26, 8, 0, 0);

  it('parses intervals and refuses odd ones', () => {
    expect(parseInterval('30s')).toBe(30_000);
    expect(parseInterval(' 5m ')).toBe(300_000);
    expect(parseInterval('1h')).toBe(3_600_000);
    expect(parseInterval('2d')).toBe(172_800_000);
    for (const bad of ['', '0s', '500ms', '1y', '5 parsecs', '-1m', '367d']) {
      expect(() => parseInterval(bad)).toThrow(LogsError);
    }
  });

  it('round-trips cursors and refuses forged, edited and foreign ones', () => {
    const record = buildLogRecord({ timestamp: base });
    const cursor = codec.encode(TENANT_A, record);
    expect(codec.decode(TENANT_A, cursor)).toEqual({ timestamp: base, id: record.id });

    const [position, mac] = cursor.split('.') as [string, string];
    const edited = Buffer.from(`${base + 1}:${record.id}`).toString('base64url');
    const otherKey = new LogCursorCodec(Buffer.alloc(32, 8)).encode(TENANT_A, record);
    const refused = [
      'bm90LWEtY3Vyc29y',
      position,
      `${edited}.${mac}`,
      `${position}.${mac.slice(1)}`,
      `${position}.`,
      otherKey,
      'x'.repeat(10_000),
    ];
    for (const bad of refused) {
      let thrown: unknown = null;
      try {
        codec.decode(TENANT_A, bad);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(LogsError);
      expect(thrown).toMatchObject({ code: 'INVALID_CURSOR' });
    }
    // Issued to tenant A: tenant B cannot page with it.
    expect(() => codec.decode(TENANT_B, cursor)).toThrow(LogsError);
  });

  it('pages with the cursors it issues, and only for the tenant they were issued to', async () => {
    const store = new InMemoryLogStore();
    await store.append([0, 1, 2].map((i) => buildLogRecord({ timestamp: base + i * 1000 })));
    const sut = new LogSearchService(store, codec);
    const first = await sut.search(TENANT_A, {}, 2, null);
    expect(first.records).toHaveLength(2);
    expect(first.endCursor).toBe(first.cursors[1]);
    const second = await sut.search(TENANT_A, {}, 2, first.endCursor);
    expect(second.records.map((r) => r.timestamp)).toEqual([base]);
    await expect(sut.search(TENANT_B, {}, 2, first.endCursor)).rejects.toMatchObject({
      code: 'INVALID_CURSOR',
    });
  });

  it('filters by format names, together with the query', async () => {
    const store = new InMemoryLogStore();
    await store.append([
      buildLogRecord({ timestamp: base, format: 'nginx-combined', body: 'GET / 200' }),
      buildLogRecord({ timestamp: base + 1, format: 'text', body: 'GET /x plain' }),
      buildLogRecord({ timestamp: base + 2, format: 'json', body: 'other' }),
    ]);
    const sut = new LogSearchService(store, codec);
    const formats = async (filter: { query?: string; formats?: string[] }) =>
      (await sut.search(TENANT_A, filter, 10, null)).records.map((r) => r.format);
    expect(await formats({ formats: ['nginx-combined', 'text'] })).toEqual([
      'text',
      'nginx-combined',
    ]);
    expect(await formats({ formats: ['nginx-combined', 'text'], query: 'plain' })).toEqual([
      'text',
    ]);
    expect(await formats({ formats: [] })).toHaveLength(3);
  });

  it('searches and facets the category, not an attribute of that name', async () => {
    const store = new InMemoryLogStore();
    await store.append([
      buildLogRecord({ timestamp: base, category: 'security', categoryConfidence: 0.9 }),
      buildLogRecord({ timestamp: base + 1, category: 'security', categoryConfidence: 0.6 }),
      buildLogRecord({ timestamp: base + 2, category: 'database', attributes: { category: 'x' } }),
      buildLogRecord({ timestamp: base + 3, attributes: { category: 'x' } }),
    ]);
    const sut = new LogSearchService(store, codec);
    expect(await sut.count(TENANT_A, { query: 'category:Security' })).toBe(2);
    expect(await sut.count(TENANT_A, { query: 'category:*' })).toBe(3);
    expect(await sut.facets(TENANT_A, {}, 'category', 10)).toEqual([
      { value: 'security', count: 2 },
      { value: 'database', count: 1 },
    ]);
    expect(await sut.facets(TENANT_A, {}, 'attributes.category', 10)).toEqual([
      { value: 'x', count: 2 },
    ]);
  });

  it('fills empty histogram buckets between from and to', async () => {
    const store = new InMemoryLogStore();
    await store.append([
      buildLogRecord({ timestamp: base + 61_000 }),
      buildLogRecord({ timestamp: base + 62_000 }),
    ]);
    const sut = new LogSearchService(store, codec);
    const buckets = await sut.histogram(
      TENANT_A,
      { from: new Date(base), to: new Date(base + 180_000) },
      '1m',
    );
    expect(buckets).toEqual([
      { start: base, count: 0 },
      { start: base + 60_000, count: 2 },
      { start: base + 120_000, count: 0 },
    ]);
  });

  it('refuses a histogram with too many buckets, unknown levels and reversed ranges', async () => {
    const sut = new LogSearchService(new InMemoryLogStore(), codec);
    await expect(
      sut.histogram(TENANT_A, { from: new Date(0), to: new Date(base) }, '1s'),
    ).rejects.toMatchObject({
      code: 'INVALID_INTERVAL',
    });
    expect(() => sut.toSpec(TENANT_A, { levels: ['loud'] })).toThrow(/unknown level/);
    expect(() => sut.toSpec(TENANT_A, { from: new Date(base), to: new Date(base - 1) })).toThrow(
      /after/,
    );
  });

  describe('paramStats', () => {
    const OLD = 'a000000000000001';
    const NEW = 'a000000000000002';
    /** The pattern now called NEW was called OLD before its template generalised. */
    class Aliases extends PatternAliases {
      async idsOf(_tenantId: string, id: string): Promise<string[]> {
        return id === NEW ? [NEW, OLD] : [id];
      }
    }
    const took = (timestamp: number, patternId: string, ms: string) =>
      buildLogRecord({ timestamp, patternId, patternParams: ['GET', ms] });

    async function serviceWith(records: LogRecord[]): Promise<LogSearchService> {
      const store = new InMemoryLogStore();
      await store.append(records);
      return new LogSearchService(store, codec, new Aliases());
    }

    it('gives count, mean, min and max of a parameter per bucket, over the pattern’s aliases', async () => {
      const sut = await serviceWith([
        took(base, OLD, '10'),
        took(base + 1000, NEW, '30'),
        took(base + 2000, NEW, 'slow'),
        took(base + 120_000, NEW, '5'),
        took(base + 121_000, 'b000000000000003', '1000'),
      ]);
      const stats = await sut.paramStats(TENANT_A, { patternId: NEW }, '1m', 1);
      expect(stats).toEqual([
        { start: base, count: 2, mean: 20, min: 10, max: 30 },
        { start: base + 120_000, count: 1, mean: 5, min: 5, max: 5 },
      ]);
      expect(await sut.paramStats(TENANT_A, { query: `pattern:${NEW}` }, '1h', 1)).toEqual([
        { start: base, count: 3, mean: 15, min: 5, max: 30 },
      ]);
      expect(await sut.paramStats(TENANT_A, { patternId: NEW }, '1m', 0)).toEqual([]);
    });

    it('refuses bad parameter indexes and intervals as the histogram does', async () => {
      const sut = await serviceWith([]);
      for (const index of [-1, 32, 1.5, Number.NaN]) {
        await expect(sut.paramStats(TENANT_A, {}, '1m', index)).rejects.toMatchObject({
          code: 'INVALID_ARGUMENT',
        });
      }
      await expect(sut.paramStats(TENANT_A, {}, '1y', 0)).rejects.toMatchObject({
        code: 'INVALID_INTERVAL',
      });
      await expect(
        sut.paramStats(TENANT_A, { from: new Date(0), to: new Date(base) }, '1s', 0),
      ).rejects.toMatchObject({ code: 'INVALID_INTERVAL' });
      expect(await sut.paramStats(TENANT_A, {}, '1m', 31)).toEqual([]);
    });
  });

  it('reports a query syntax error with its position', () => {
    const sut = new LogSearchService(new InMemoryLogStore(), codec);
    try {
      sut.toSpec(TENANT_A, { query: 'a AND (b' });
      throw new Error('expected a syntax error');
    } catch (err) {
      expect(err).toBeInstanceOf(LogsError);
      expect(err).toMatchObject({ code: 'INVALID_QUERY', position: { line: 1 } });
    }
  });
});
