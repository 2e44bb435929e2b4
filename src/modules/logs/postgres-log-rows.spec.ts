import type { LogRecord } from './log-record';
import {
  CopyLines,
  copyText,
  fromRow,
  isoTimestamp,
  LOG_COLUMNS,
  type LogRow,
  pgArray,
} from './postgres-log-rows';

function toCopyLine(record: LogRecord): string {
  const lines = new CopyLines(64);
  lines.add(record);
  return Buffer.concat(lines.finish()).toString('utf8');
}

describe(CopyLines.name, () => {
  const record: LogRecord = {
    id: '01900000-0000-7000-8000-000000000001',
    tenantId: '00000000-0000-4000-8000-000000000001',
    timestamp: Date.UTC(2026, 10, 26, 8, 0, 0, 123),
    observedTimestamp: Date.UTC(2026, 10, 26, 8, 0, 1),
    severityNumber: 17,
    severityText: 'error',
    body: 'line one\nline\ttwo \\ end',
    service: 'api',
    host: 'h1',
    dataset: 'logs-generic-default',
    format: 'json',
    attributes: { path: 'C:\\temp', n: 1 },
    traceId: null,
    spanId: 'abc',
  };

  it('writes eighteen tab-separated columns, one per LOG_COLUMNS entry, ending in a newline', () => {
    const line = toCopyLine(record);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1).split('\t')).toHaveLength(18);
    expect(LOG_COLUMNS.split(', ')).toHaveLength(18);
    expect(LOG_COLUMNS.split(', ').slice(16)).toEqual(['category', 'category_confidence']);
  });

  it('writes the pattern id and its parameters as a text[] literal, escaped for COPY', () => {
    const cols = toCopyLine({
      ...record,
      patternId: 'p1',
      patternParams: ['a b', 'say "hi"', 'C:\\x', 'tab\there'],
    })
      .slice(0, -1)
      .split('\t');
    expect(cols[14]).toBe('p1');
    expect(cols[15]).toBe('{"a b","say \\\\"hi\\\\"","C:\\\\\\\\x","tab\\there"}');
    const none = toCopyLine(record).slice(0, -1).split('\t');
    expect(none.slice(14, 16)).toEqual(['\\N', '\\N']);
  });

  it('writes the category, escaped for COPY, and its confidence as a number', () => {
    const cols = (fields: Partial<LogRecord>) =>
      toCopyLine({ ...record, ...fields })
        .slice(0, -1)
        .split('\t')
        .slice(16);
    expect(cols({ category: 'security', categoryConfidence: 0.87 })).toEqual(['security', '0.87']);
    expect(cols({ category: 'odd\tname', categoryConfidence: 1 })).toEqual(['odd\\tname', '1']);
    expect(cols({ category: 'security', categoryConfidence: 1e-7 })).toEqual(['security', '1e-7']);
    expect(cols({ category: 'security', categoryConfidence: 0 })).toEqual(['security', '0']);
  });

  it('writes NULL for no category, and for a confidence that is no probability', () => {
    const cols = (fields: Partial<LogRecord>) =>
      toCopyLine({ ...record, ...fields })
        .slice(0, -1)
        .split('\t')
        .slice(16);
    expect(cols({})).toEqual(['\\N', '\\N']);
    expect(cols({ category: null, categoryConfidence: 0.5 })).toEqual(['\\N', '\\N']);
    expect(cols({ category: '', categoryConfidence: 0.5 })).toEqual(['\\N', '\\N']);
    expect(cols({ category: 'security' })).toEqual(['security', '\\N']);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, -0.01, 1.01]) {
      expect(cols({ category: 'security', categoryConfidence: bad })).toEqual(['security', '\\N']);
    }
  });

  it('writes an empty parameter list as an empty array', () => {
    expect(pgArray([])).toBe('{}');
    expect(pgArray(['x'])).toBe('{"x"}');
  });

  it('escapes backslashes, tabs and newlines and writes NULL as \\N', () => {
    const cols = toCopyLine(record).slice(0, -1).split('\t');
    expect(cols[1]).toBe('2026-11-26T08:00:00.123Z');
    expect(cols[6]).toBe('line one\\nline\\ttwo \\\\ end');
    expect(cols[11]).toBe('\\N');
    expect(cols[13]).toBe('{"path":"C:\\\\\\\\temp","n":1}');
  });

  it('writes multi-byte text and spreads many records over chunks without splitting them', () => {
    const lines = new CopyLines(300);
    const bodies = Array.from({ length: 50 }, (_, i) => `żółć ${i} 🚀 ${'x'.repeat(i * 7)}`);
    for (const body of bodies) lines.add({ ...record, body, attributes: { body } });
    const chunks = lines.finish();
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) expect(chunk[chunk.length - 1]).toBe(0x0a);
    const rows = Buffer.concat(chunks).toString('utf8').split('\n').slice(0, -1);
    expect(rows.map((row) => row.split('\t')[6])).toEqual(bodies);
    expect(rows.map((row) => JSON.parse(row.split('\t')[13] as string) as unknown)).toEqual(
      bodies.map((body) => ({ body })),
    );
  });

  it('reads a row back into a record, NULL category columns as null', () => {
    const row: LogRow = {
      tenant_id: record.tenantId,
      ts: new Date(record.timestamp),
      id: record.id,
      observed_ts: new Date(record.observedTimestamp),
      severity_number: 17,
      severity_text: 'error',
      body: 'b',
      service: 'api',
      host: 'h1',
      dataset: 'd',
      format: 'json',
      trace_id: null,
      span_id: null,
      attributes: {},
      pattern_id: null,
      pattern_params: null,
      category: null,
      category_confidence: null,
    };
    expect(fromRow(row)).toMatchObject({ category: null, categoryConfidence: null });
    expect(fromRow({ ...row, category: 'database', category_confidence: 0.75 })).toMatchObject({
      category: 'database',
      categoryConfidence: 0.75,
    });
  });

  it('leaves plain text untouched', () => {
    const plain = 'GET /index.html 200';
    expect(copyText(plain)).toBe(plain);
  });
});

describe(isoTimestamp.name, () => {
  it('agrees with Date#toISOString across seconds, days and odd values', () => {
    const base = Date.UTC(2026, 11, 31, 23, 59, 58, 990);
    const samples = [
      0,
      1,
      999,
      1000,
      base,
      base + 9,
      base + 10,
      base + 1010,
      base + 86_400_000,
      253402300799999,
    ];
    for (let i = 0; i < 5000; i++) samples.push(base + Math.floor(i * 7.3));
    for (const ms of samples) expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
  });

  it('falls back for years beyond 9999', () => {
    expect(isoTimestamp(253402300800000)).toBe(new Date(253402300800000).toISOString());
  });
});
