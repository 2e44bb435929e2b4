import { buildLogRecord, TENANT_A } from '../../../test/factories/log-record.factory';
import { InMemoryLogStore } from '../../../test/fakes/in-memory-log-store';
import { decodeCursor, encodeCursor, LogSearchService, parseInterval } from './log-search.service';
import { LogsError } from './logs.errors';

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

  it('round-trips cursors and refuses forged ones', () => {
    const record = buildLogRecord({ timestamp: base });
    expect(decodeCursor(encodeCursor(record))).toEqual({ timestamp: base, id: record.id });
    expect(() => decodeCursor('bm90LWEtY3Vyc29y')).toThrow(LogsError);
  });

  it('fills empty histogram buckets between from and to', async () => {
    const store = new InMemoryLogStore();
    await store.append([
      buildLogRecord({ timestamp: base + 61_000 }),
      buildLogRecord({ timestamp: base + 62_000 }),
    ]);
    const sut = new LogSearchService(store);
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
    const sut = new LogSearchService(new InMemoryLogStore());
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

  it('reports a query syntax error with its position', () => {
    const sut = new LogSearchService(new InMemoryLogStore());
    try {
      sut.toSpec(TENANT_A, { query: 'a AND (b' });
      throw new Error('expected a syntax error');
    } catch (err) {
      expect(err).toBeInstanceOf(LogsError);
      expect(err).toMatchObject({ code: 'INVALID_QUERY', position: { line: 1 } });
    }
  });
});
