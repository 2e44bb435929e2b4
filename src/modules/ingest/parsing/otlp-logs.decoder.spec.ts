import {
  decodeOtlpJson,
  decodeOtlpProtobuf,
  mapOtlpRequest,
  OtlpDecodeError,
  type OtlpRecordResult,
} from './otlp-logs.decoder';
import { ExportLogsServiceRequest } from './otlp-logs.schema';

const OPTIONS = { receivedAt: 1_700_000_000_000, dataset: 'otlp', maxDepth: 8, maxBytes: 4096 };

function one(record: unknown, resource: unknown = undefined, scope: unknown = undefined) {
  const results = mapOtlpRequest(
    { resourceLogs: [{ resource, scopeLogs: [{ scope, logRecords: [record] }] }] },
    OPTIONS,
  );
  expect(results).toHaveLength(1);
  return results[0] as OtlpRecordResult;
}

function ok(result: OtlpRecordResult) {
  if (!result.ok) throw new Error(`rejected: ${result.reason}`);
  return result.record;
}

describe(mapOtlpRequest.name, () => {
  it('maps resource, scope and log attributes to their documented names', () => {
    const record = ok(
      one(
        {
          timeUnixNano: '1700000000123456789',
          severityNumber: 10,
          severityText: 'INFO2',
          body: { stringValue: 'hello\n' },
          attributes: [
            { key: 'http.status_code', value: { intValue: '503' } },
            { key: 'big', value: { intValue: '9007199254740993' } },
            { key: 'ratio', value: { doubleValue: 0.5 } },
            { key: 'raw', value: { bytesValue: 'AQID' } },
            { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }, {}] } } },
            {
              key: 'user',
              value: { kvlistValue: { values: [{ key: 'id', value: { stringValue: 'u1' } }] } },
            },
            { key: '__proto__', value: { stringValue: 'plain key' } },
          ],
          eventName: 'login',
          flags: 1,
        },
        {
          attributes: [
            { key: 'service.name', value: { stringValue: 'api' } },
            { key: 'host.name', value: { stringValue: 'h1' } },
            { key: 'tenant', value: { stringValue: 'someone-else' } },
          ],
        },
        { name: 'lib', version: '2', attributes: [{ key: 'k', value: { boolValue: true } }] },
      ),
    );
    expect(record).toMatchObject({
      timestamp: 1_700_000_000_123,
      observedTimestamp: OPTIONS.receivedAt,
      severityNumber: 10,
      severityText: 'info',
      body: 'hello',
      service: 'api',
      host: 'h1',
      format: 'otlp',
      traceId: null,
      spanId: null,
    });
    expect({ ...record.attributes }).toEqual({
      'http.status_code': 503,
      big: '9007199254740993',
      ratio: 0.5,
      raw: 'AQID',
      tags: ['a', null],
      'user.id': 'u1',
      ['__proto__']: 'plain key',
      'event.name': 'login',
      'otel.flags': 1,
      'otel.severity_text': 'INFO2',
      'resource.tenant': 'someone-else',
      'scope.name': 'lib',
      'scope.version': '2',
      'scope.attributes.k': true,
    });
    expect(Object.getPrototypeOf(record.attributes)).toBe(Object.prototype);
  });

  it('falls back to the observed time, then to the arrival time', () => {
    expect(ok(one({ observedTimeUnixNano: 1_700_000_001_000_000_000 })).timestamp).toBe(
      1_700_000_001_000,
    );
    expect(ok(one({ timeUnixNano: '0' })).timestamp).toBe(OPTIONS.receivedAt);
  });

  it('reads a level from severityText when severityNumber is unset, including enum names', () => {
    expect(ok(one({ severityText: 'warning' }))).toMatchObject({
      severityNumber: 13,
      severityText: 'warn',
    });
    expect(ok(one({ severityNumber: 'SEVERITY_NUMBER_FATAL2' }))).toMatchObject({
      severityNumber: 22,
      severityText: 'fatal',
    });
  });

  it('turns a structured body into JSON text', () => {
    const body = {
      kvlistValue: { values: [{ key: 'a', value: { arrayValue: { values: [{ intValue: 1 }] } } }] },
    };
    expect(ok(one({ body })).body).toBe('{"a":[1]}');
  });

  it.each([
    ['a short trace id', { traceId: 'abc' }, 'traceId must be 32 hex digits'],
    ['a 4-byte span id', { spanId: Buffer.alloc(4) }, 'spanId must be 8 bytes, got 4'],
    ['a word for a time', { timeUnixNano: 'yesterday' }, 'timeUnixNano must be a decimal integer'],
    ['a time past 2200', { timeUnixNano: '99999999999999999999' }, 'after the year 2200'],
    ['severity 99', { severityNumber: 99 }, 'severityNumber must be an integer from 0 to 24'],
    ['a numeric key', { attributes: [{ key: 1 }] }, 'must be a KeyValue with a string key'],
    ['a non-integer intValue', { body: { intValue: 'x' } }, 'body.intValue must be an integer'],
    [
      'a body over the budget',
      { body: { stringValue: 'x'.repeat(5000) } },
      'larger than 4096 bytes',
    ],
    ['a string for a record', 'not an object', 'the log record must be an object'],
  ])('rejects a record with %s alone', (_name, record, reason) => {
    const results = mapOtlpRequest(
      {
        resourceLogs: [
          { scopeLogs: [{ logRecords: [record, { body: { stringValue: 'fine' } }] }] },
        ],
      },
      OPTIONS,
    );
    expect(results[0]).toEqual({
      ok: false,
      where: 'resourceLogs[0].scopeLogs[0].logRecords[0]',
      reason: expect.stringContaining(reason),
    });
    expect(results[1]?.ok).toBe(true);
  });

  it('rejects values nested deeper than the limit instead of recursing without bound', () => {
    let value: unknown = { stringValue: 'leaf' };
    for (let i = 0; i < 20; i++) value = { arrayValue: { values: [value] } };
    expect(one({ body: value })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('deeper than 8'),
    });
  });

  it('rejects every record of a resource whose attributes are bad', () => {
    const result = one({}, { attributes: 'nope' });
    expect(result).toMatchObject({
      ok: false,
      reason: 'resourceLogs[0].resource.attributes must be an array of KeyValue',
    });
  });

  it('throws OtlpDecodeError for a request whose lists are not lists', () => {
    expect(() => mapOtlpRequest({ resourceLogs: {} }, OPTIONS)).toThrow(OtlpDecodeError);
    expect(() => mapOtlpRequest([], OPTIONS)).toThrow(OtlpDecodeError);
  });
});

describe('OTLP decoding', () => {
  it('decodes protobuf into the JSON shape, ids as bytes and int64 as strings', () => {
    const bytes = ExportLogsServiceRequest.encode(
      ExportLogsServiceRequest.fromObject({
        resourceLogs: [
          {
            scopeLogs: [
              {
                logRecords: [
                  {
                    timeUnixNano: '1700000000123456789',
                    traceId: Buffer.from('5b8efff798038103d269b633813fc60c', 'hex'),
                    body: { stringValue: '' },
                  },
                ],
              },
            ],
          },
        ],
      }),
    ).finish();
    const record = ok(mapOtlpRequest(decodeOtlpProtobuf(Buffer.from(bytes)), OPTIONS)[0]!);
    expect(record).toMatchObject({
      timestamp: 1_700_000_000_123,
      traceId: '5b8efff798038103d269b633813fc60c',
      body: '',
    });
  });

  it('throws OtlpDecodeError for garbage, never anything else', () => {
    for (const garbage of [
      Buffer.from([0x0a, 0xff]),
      Buffer.from('\xff\xff\xff\xff\xff\xff\xff\xff\xff\x0f'),
    ]) {
      expect(() => decodeOtlpProtobuf(garbage)).toThrow(OtlpDecodeError);
    }
    expect(() => decodeOtlpJson(Buffer.from('{'))).toThrow(OtlpDecodeError);
  });
});
