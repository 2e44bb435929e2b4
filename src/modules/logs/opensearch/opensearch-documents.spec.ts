import { buildLogRecord } from '../../../../test/factories/log-record.factory';
import { tokenizeFullText } from '../query/full-text-tokenizer';
import {
  attributeKeyField,
  fromSource,
  indexedAttributes,
  indexedParamNumbers,
  RECORD_SOURCE_FIELDS,
  toDocument,
} from './opensearch-documents';

describe('OpenSearch documents', () => {
  it('writes ECS names and reads the same record back through JSON', () => {
    const attributes = JSON.parse(
      '{"http.status":500,"__proto__":"own","nested":{"a":[1,"b"]},"none":null}',
    ) as Record<string, unknown>;
    const record = buildLogRecord({
      body: 'GET /api/x failed',
      severityText: 'error',
      severityNumber: 17,
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: null,
      attributes,
      observedTimestamp: 1_764_000_000_123,
      timestamp: 1_764_000_000_001,
    });
    const doc = toDocument(record);
    expect(doc).toMatchObject({
      '@timestamp': '2025-11-24T16:00:00.001Z',
      message: 'GET /api/x failed',
      log: { level: 'error' },
      service: { name: record.service },
      host: { name: record.host },
      trace: { id: '4bf92f3577b34da6a3ce929d0e0e4736' },
      event: { dataset: record.dataset, created: '2025-11-24T16:00:00.123Z' },
      vigil: { id: record.id, tenant_id: record.tenantId, severity_number: 17 },
    });
    expect(doc).not.toHaveProperty('span');
    const back = fromSource(JSON.parse(JSON.stringify(doc)));
    // A record without a pattern or category reads back as the Postgres store gives it.
    expect(back).toEqual({
      ...record,
      patternId: null,
      patternParams: [],
      category: null,
      categoryConfidence: null,
    });
    expect(doc.vigil).not.toHaveProperty('category');
    expect(doc.vigil).not.toHaveProperty('category_confidence');
    const mined = {
      ...record,
      patternId: '9f2c41d07b3e8a15',
      patternParams: ['42', 'eu-1'],
      category: 'dependency_failure',
      categoryConfidence: 0.8125,
    };
    const minedDoc = toDocument(mined);
    expect(minedDoc.vigil).toMatchObject({
      pattern_id: '9f2c41d07b3e8a15',
      pattern_params: ['42', 'eu-1'],
      category: 'dependency_failure',
      category_confidence: 0.8125,
    });
    expect(minedDoc.vigil.param_num).toEqual({ 0: 42 });
    expect(fromSource(JSON.parse(JSON.stringify(minedDoc)))).toEqual(mined);
    expect(Object.getPrototypeOf(back.attributes)).toBe(Object.prototype);
    expect(Object.keys(back.attributes)).toContain('__proto__');
  });

  it('keeps a category’s confidence only when it is a probability beside a category', () => {
    const stored = (category: string | null, categoryConfidence: number | null | undefined) => {
      const doc = toDocument(buildLogRecord({ category, categoryConfidence }));
      const back = fromSource(JSON.parse(JSON.stringify(doc)));
      return [doc.vigil.category, doc.vigil.category_confidence, back.categoryConfidence];
    };
    expect(stored('security', 0)).toEqual(['security', 0, 0]);
    expect(stored('security', 1)).toEqual(['security', 1, 1]);
    expect(stored('security', Number.NaN)).toEqual(['security', undefined, null]);
    expect(stored('security', 1.5)).toEqual(['security', undefined, null]);
    expect(stored('security', undefined)).toEqual(['security', undefined, null]);
    expect(stored('', 0.9)).toEqual([undefined, undefined, null]);
    expect(stored(null, 0.9)).toEqual([undefined, undefined, null]);
  });

  it('reads back every field a document stores for the record', () => {
    const doc = toDocument(buildLogRecord({ category: 'security', categoryConfidence: 0.5 }));
    const stored = JSON.parse(JSON.stringify(doc)) as { vigil: Record<string, unknown> };
    for (const key of ['category', 'category_confidence']) {
      expect(stored.vigil).toHaveProperty(key);
      expect(RECORD_SOURCE_FIELDS).toContain(`vigil.${key}`);
    }
  });

  it('indexes the body as the tokenizer’s lexemes, space-separated', () => {
    const body = 'User-42 logged in from 10.0.0.17 at db-1.prod.internal:5432';
    expect(toDocument(buildLogRecord({ body })).vigil.lexemes.split(' ')).toEqual(
      tokenizeFullText(body).map((t) => t.lexeme),
    );
  });

  it('escapes attribute keys injectively so that no key becomes an object path', () => {
    const keys = ['a.b', 'a%2Eb', 'a%b', 'a', '', '%', '.', 'x..y'];
    const fields = keys.map(attributeKeyField);
    expect(new Set(fields).size).toBe(keys.length);
    expect(fields.every((f) => f !== '' && !f.includes('.'))).toBe(true);
  });

  it('indexes attribute values as the text Postgres compares, skipping nulls', () => {
    expect(
      indexedAttributes({ n: 500, f: 0.5, b: false, s: 'x', o: { k: 1 }, a: [1, 'a'], z: null }),
    ).toEqual({ n: '500', f: '0.5', b: 'false', s: 'x', o: '{"k": 1}', a: '[1, "a"]' });
  });

  it('indexes the parameters that are numbers as doubles, by position up to 31', () => {
    expect(indexedParamNumbers(['12', '12ms', '-0.5', 'NaN', '1e999', '', '3e2'])).toEqual({
      0: 12,
      2: -0.5,
      6: 300,
    });
    expect(indexedParamNumbers(['GET', '/api'])).toBeNull();
    const many = Array.from({ length: 40 }, (_, i) => String(i));
    expect(Object.keys(indexedParamNumbers(many) ?? {})).toHaveLength(32);
    expect(toDocument(buildLogRecord({ patternParams: ['a'] })).vigil).not.toHaveProperty(
      'param_num',
    );
  });

  it('reads a document missing optional fields without throwing', () => {
    expect(fromSource({ vigil: { id: 'x' } })).toMatchObject({
      id: 'x',
      body: '',
      traceId: null,
      attributes: {},
    });
  });
});
