import {
  MAX_ATTRIBUTES,
  MAX_BODY_BYTES,
  type NormalizeContext,
  RecordNormalizeError,
  normalizeDocument,
} from './record-normalizer';

const RECEIVED_AT = Date.UTC(2024, 0, 2, 3, 4, 5, 999);

function context(overrides: Partial<NormalizeContext> = {}): NormalizeContext {
  return {
    tenantId: 't1',
    dataset: 'logs-app-default',
    format: 'json',
    receivedAt: RECEIVED_AT,
    ...overrides,
  };
}

describe(normalizeDocument.name, () => {
  const sut = (doc: unknown, ctx = context()) => normalizeDocument(doc, ctx);

  it.each([null, [], 'text', 42, undefined])('rejects the non-object document %p', (doc) => {
    expect(() => sut(doc)).toThrow(new RecordNormalizeError('document must be a JSON object'));
  });

  it('normalizes an ECS document from Filebeat / Logstash', () => {
    const doc = {
      '@timestamp': '2024-05-06T07:08:09.123Z',
      message: 'GET /health 200',
      log: { level: 'WARN', logger: 'http', file: { path: '/var/log/app.log' } },
      service: { name: 'checkout', version: '1.2.3' },
      host: { name: 'web-1', hostname: 'web-1.internal', ip: ['10.0.0.1'] },
      trace: { id: '4BF92F3577B34DA6A3CE929D0E0E4736' },
      span: { id: '00F067AA0BA902B7' },
      agent: { type: 'filebeat', hostname: 'web-1' },
      ecs: { version: '8.11.0' },
    };

    const record = sut(doc);

    expect(record).toEqual({
      tenantId: 't1',
      timestamp: Date.UTC(2024, 4, 6, 7, 8, 9, 123),
      observedTimestamp: RECEIVED_AT,
      severityNumber: 13,
      severityText: 'warn',
      body: 'GET /health 200',
      service: 'checkout',
      host: 'web-1',
      dataset: 'logs-app-default',
      format: 'json',
      attributes: expect.anything() as unknown,
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
    });
    expect(Object.getPrototypeOf(record.attributes)).toBe(Object.prototype);
    expect({ ...record.attributes }).toEqual({
      'log.logger': 'http',
      'log.file.path': '/var/log/app.log',
      'service.version': '1.2.3',
      'host.hostname': 'web-1.internal',
      'host.ip': ['10.0.0.1'],
      'agent.type': 'filebeat',
      'agent.hostname': 'web-1',
      'ecs.version': '8.11.0',
    });
  });

  it('reads flat dotted keys the same as nested ones', () => {
    const record = sut({ 'log.level': 'error', 'service.name': 'api', 'host.name': 'h', msg: 'x' });
    expect([record.severityText, record.service, record.host]).toEqual(['error', 'api', 'h']);
  });

  it('normalizes a Fluent Bit Kubernetes record with a fractional epoch date', () => {
    const record = sut({
      date: 1700000000.123456,
      log: 'boom\n',
      stream: 'stderr',
      kubernetes: { pod_name: 'api-7d9', labels: { app: 'api' }, host: 'node-3' },
    });
    expect(record.timestamp).toBe(1_700_000_000_123);
    expect(record.body).toBe('boom');
    expect(record.service).toBe('api');
    expect({ ...record.attributes }).toEqual({
      stream: 'stderr',
      'kubernetes.pod_name': 'api-7d9',
      'kubernetes.host': 'node-3',
    });
  });

  it('normalizes a journald export document', () => {
    const record = sut({
      __REALTIME_TIMESTAMP: '1704164645123456',
      _HOSTNAME: 'db-1',
      _SYSTEMD_UNIT: 'postgresql.service',
      PRIORITY: '3',
      SYSLOG_IDENTIFIER: 'postgres',
      MESSAGE: 'could not connect',
      _PID: '812',
    });
    expect(record.body).toBe('could not connect');
    expect(record.host).toBe('db-1');
    expect(record.service).toBe('postgresql.service');
    expect(record.timestamp).toBe(Date.UTC(2024, 0, 2, 3, 4, 5, 123));
    expect(record.severityText).toBe('error');
    expect({ ...record.attributes }).toEqual({ SYSLOG_IDENTIFIER: 'postgres', _PID: '812' });
  });

  it('decodes a journald MESSAGE sent as a byte array', () => {
    const record = sut({ MESSAGE: [104, 195, 169, 0, 33] });
    expect(record.body).toBe('hé!');
  });

  it('normalizes a GELF message', () => {
    const record = sut({
      version: '1.1',
      host: 'example.org',
      short_message: 'A short message',
      full_message: 'Backtrace here\n\nmore stuff',
      timestamp: 1385053862.3072,
      level: 1,
      _user_id: 9001,
    });
    expect(record.body).toBe('A short message');
    expect(record.host).toBe('example.org');
    expect(record.timestamp).toBe(1_385_053_862_307);
    expect(record.severityText).toBe('fatal');
    expect(record.severityNumber).toBe(21);
    expect({ ...record.attributes }).toEqual({
      version: '1.1',
      full_message: 'Backtrace here\n\nmore stuff',
      _user_id: 9001,
    });
  });

  it('normalizes a pino line', () => {
    const record = sut({ level: 30, time: 1_700_000_000_123, pid: 1, hostname: 'h', msg: 'hi' });
    expect(record).toMatchObject({
      severityNumber: 9,
      severityText: 'info',
      timestamp: 1_700_000_000_123,
      host: 'h',
      body: 'hi',
    });
  });

  it('keeps a 19-digit timeUnixNano exact to the millisecond', () => {
    expect(sut({ timeUnixNano: '1700000000123999999', body: 'x' }).timestamp).toBe(
      1_700_000_000_123,
    );
  });

  it('reads an OTel severityNumber when no level name is present', () => {
    const record = sut({ severityNumber: 10, body: 'x' });
    expect([record.severityNumber, record.severityText]).toEqual([10, 'info']);
  });

  it('uses the JSON of the remaining fields as the body when there is no message', () => {
    const record = sut({ level: 'info', user: { id: 7 }, action: 'login' });
    expect(record.body).toBe('{"user.id":7,"action":"login"}');
    expect({ ...record.attributes }).toEqual({ 'user.id': 7, action: 'login' });
  });

  it('gives an empty body for a document with nothing else in it', () => {
    expect(sut({ level: 'info' }).body).toBe('');
  });

  it('takes the first present body key and keeps the others', () => {
    const record = sut({ msg: 'second', message: 'first', text: 'third' });
    expect(record.body).toBe('first');
    expect({ ...record.attributes }).toEqual({ msg: 'second', text: 'third' });
  });

  it('writes a structured message or body as JSON text', () => {
    expect(sut({ message: { a: [1, 2] } }).body).toBe('{"a":[1,2]}');
    expect(sut({ body: 12.5 }).body).toBe('12.5');
  });

  it('does not take an ECS `log` object for the body', () => {
    const record = sut({ log: { level: 'debug' }, 'event.original': 'raw line' });
    expect(record.body).toBe('raw line');
    expect(record.severityText).toBe('debug');
  });

  it('keeps an unparseable timestamp in attributes and falls back to receivedAt', () => {
    const record = sut({ '@timestamp': 'last tuesday', message: 'x' });
    expect(record.timestamp).toBe(RECEIVED_AT);
    expect(record.observedTimestamp).toBe(RECEIVED_AT);
    expect(record.attributes['@timestamp']).toBe('last tuesday');
  });

  it('tries the next timestamp key when the first does not parse', () => {
    const record = sut({ time: '03:04:05', date: '2024-01-02', message: 'x' });
    expect(record.timestamp).toBe(Date.UTC(2024, 0, 2));
    expect({ ...record.attributes }).toEqual({ time: '03:04:05' });
  });

  it('treats a zero timestamp as unset', () => {
    const record = sut({ timeUnixNano: '0', body: 'x' });
    expect(record.timestamp).toBe(RECEIVED_AT);
    expect(record.attributes['timeUnixNano']).toBe('0');
  });

  it('uses receivedAt when no timestamp key is present', () => {
    expect(sut({ message: 'x' }).timestamp).toBe(RECEIVED_AT);
  });

  it('keeps an unknown level in attributes with severity 0', () => {
    const record = sut({ level: 'loud', message: 'x' });
    expect([record.severityNumber, record.severityText]).toEqual([0, '']);
    expect(record.attributes['level']).toBe('loud');
  });

  it('reads syslog severity from nested and flat keys', () => {
    expect(sut({ syslog: { severity: 4 }, message: 'x' }).severityText).toBe('warn');
    expect(sut({ syslog_severity: '7', message: 'x' }).severityText).toBe('debug');
  });

  it.each([
    [{ service: 'billing' }, 'billing'],
    [{ serviceName: 'a' }, 'a'],
    [{ app: 'a' }, 'a'],
    [{ application: 'a' }, 'a'],
    [{ kubernetes: { labels: { 'app.kubernetes.io/name': 'k' } } }, 'k'],
    [{ syslog: { appname: 'sshd' } }, 'sshd'],
    [{ service: 42 }, 'fallback'],
    [{}, 'fallback'],
  ])('finds the service in %p', (doc, expected) => {
    expect(sut({ ...doc, message: 'x' }, context({ defaultService: 'fallback' })).service).toBe(
      expected,
    );
  });

  it('leaves service and host empty when nothing names them', () => {
    const record = sut({ message: 'x' });
    expect([record.service, record.host, record.traceId, record.spanId]).toEqual([
      '',
      '',
      null,
      null,
    ]);
  });

  it('reads numeric and differently spelled trace ids', () => {
    const record = sut({ traceID: 'ABC', span_id: 1234, 'dd.trace_id': '99', message: 'x' });
    expect([record.traceId, record.spanId]).toEqual(['abc', '1234']);
    expect(record.attributes['dd.trace_id']).toBe('99');
  });

  it('strips NUL from the body, strings, keys and array items', () => {
    const record = sut({
      message: 'a\u0000b',
      user: 'x\u0000y',
      tags: ['ok', 'n\u0000o', { deep: 'd\u0000' }],
      'bad\u0000key': 1,
      host: 'h\u0000',
    });
    expect(record.body).toBe('ab');
    expect(record.host).toBe('h');
    expect(record.attributes['user']).toBe('xy');
    expect(record.attributes['tags']).toEqual(['ok', 'no', { deep: 'd' }]);
    expect(record.attributes['badkey']).toBe(1);
    expect(JSON.stringify(record)).not.toContain('\\u0000');
  });

  it('never changes a prototype through __proto__ keys', () => {
    const doc = JSON.parse('{"message":"x","__proto__":{"admin":true},"a":{"__proto__":1}}');
    const record = sut(doc);
    expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
    expect(Object.getPrototypeOf(record.attributes)).toBe(Object.prototype);
    expect(record.attributes['__proto__.admin']).toBe(true);
    expect(record.attributes['a.__proto__']).toBe(1);
  });

  it(`keeps at most ${MAX_ATTRIBUTES} attributes and counts the rest`, () => {
    const doc: Record<string, unknown> = { message: 'x', level: 'info' };
    for (let i = 0; i < MAX_ATTRIBUTES + 44; i++) doc[`f${i}`] = i;

    const record = sut(doc);

    const keys = Object.keys(record.attributes);
    expect(keys).toHaveLength(MAX_ATTRIBUTES + 1);
    expect(record.attributes['f0']).toBe(0);
    expect(record.attributes[`f${MAX_ATTRIBUTES - 1}`]).toBe(MAX_ATTRIBUTES - 1);
    expect(record.attributes[`f${MAX_ATTRIBUTES}`]).toBeUndefined();
    expect(record.attributes['vigil.dropped_attributes']).toBe(44);
  });

  it('does not mark a document at the cap', () => {
    const doc: Record<string, unknown> = { message: 'x' };
    for (let i = 0; i < MAX_ATTRIBUTES; i++) doc[`f${i}`] = i;
    expect(sut(doc).attributes['vigil.dropped_attributes']).toBeUndefined();
  });

  it(`truncates a body over ${MAX_BODY_BYTES} UTF-8 bytes on a character boundary`, () => {
    const record = sut({ message: 'ab' + '€'.repeat(MAX_BODY_BYTES / 3) });
    expect(Buffer.byteLength(record.body)).toBe(MAX_BODY_BYTES - 2);
    expect(record.body.endsWith('€')).toBe(true);
    expect(record.attributes['vigil.truncated']).toBe(true);
  });

  it('leaves a body of exactly the limit alone', () => {
    const record = sut({ message: 'a'.repeat(MAX_BODY_BYTES) });
    expect(record.body).toHaveLength(MAX_BODY_BYTES);
    expect(record.attributes['vigil.truncated']).toBeUndefined();
  });

  it('takes the tenant from the context only: tenant fields in a document are attributes', () => {
    const record = sut({
      message: 'smuggled',
      tenant: 'other',
      tenant_id: 'other-id',
      tenantId: 'other-id',
      '@tenant': 'other',
      vigil: { tenant_id: 'other-id' },
    });
    expect(record.tenantId).toBe('t1');
    expect(record.attributes).toEqual({
      tenant: 'other',
      tenant_id: 'other-id',
      tenantId: 'other-id',
      '@tenant': 'other',
      'vigil.tenant_id': 'other-id',
    });
  });
});
