import {
  accessTestFormat,
  appTestFormat,
  auditTestFormat,
  criTestFormat,
} from '../../../test/factories/log-format.factory';
import { TEXT_FORMAT } from './format-registry';
import type { JsonFormat } from './log-format';
import { normalizeDocument } from './normalize/record-normalizer';
import { mergeShipperRecord, mergeWrapped, parseWith, toLogRecord } from './parsed-record';

const receivedAt = Date.parse('2026-11-26T12:00:00Z');
const rctx = { tenantId: 't1', dataset: 'files', receivedAt };

describe(toLogRecord.name, () => {
  it('maps parsed fields to a record and keeps the original line when the body is part of it', () => {
    const line = '2026-11-26 10:00:00,123 [WARN] com.shop.Cart - cart 17 saved';
    const record = toLogRecord(
      { format: appTestFormat, fields: appTestFormat.parse(line, { receivedAt })!, raw: line },
      { ...rctx, defaultService: 'shop' },
    );
    expect(record).toEqual({
      tenantId: 't1',
      timestamp: Date.parse('2026-11-26T10:00:00.123Z'),
      observedTimestamp: receivedAt,
      severityNumber: 13,
      severityText: 'warn',
      body: 'cart 17 saved',
      service: 'shop',
      host: '',
      dataset: 'files',
      format: 'app-test',
      attributes: { 'log.logger': 'com.shop.Cart', 'event.original': line },
      traceId: null,
      spanId: null,
    });
  });

  it('uses the whole line as the body when the parser gives no message, and arrival time when no timestamp', () => {
    const line = '10.0.0.1 GET /cart 200';
    const record = toLogRecord(
      {
        format: accessTestFormat,
        fields: accessTestFormat.parse(line, { receivedAt })!,
        raw: line,
      },
      rctx,
    );
    expect(record.body).toBe(line);
    expect(record.timestamp).toBe(receivedAt);
    expect(record.attributes['event.original']).toBeUndefined();
    expect(record.attributes['http.response.status_code']).toBe(200);
    expect(record.severityText).toBe('info');
  });

  it('derives the level of a level-less access line from its status', () => {
    const level = (line: string) =>
      toLogRecord(
        {
          format: accessTestFormat,
          fields: accessTestFormat.parse(line, { receivedAt })!,
          raw: line,
        },
        rctx,
      ).severityText;
    expect(level('10.0.0.1 GET /a 503')).toBe('error');
    expect(level('10.0.0.1 GET /a 404')).toBe('warn');
    expect(level('10.0.0.1 GET /a 302')).toBe('info');
  });

  it('keeps a level it cannot normalize as log.level, and never lets __proto__ through', () => {
    const record = toLogRecord(
      {
        format: TEXT_FORMAT,
        fields: {
          level: 'LOUD',
          attributes: JSON.parse('{"__proto__":"x","a\\u0000b":"c\\u0000"}'),
        },
        raw: 'x\u0000y',
      },
      rctx,
    );
    expect(record.severityText).toBe('');
    expect(record.attributes['log.level']).toBe('LOUD');
    expect(Object.getPrototypeOf(record.attributes)).toBe(Object.prototype);
    expect(Object.keys(record.attributes)).toContain('__proto__');
    expect(record.attributes.ab).toBe('c');
    expect(record.body).toBe('xy');
  });

  it('does not keep the text of a JSON record twice', () => {
    const doc = { kind: 'Event', apiVersion: 'audit.k8s.io/v1', verb: 'get', requestURI: '/x' };
    const record = toLogRecord(
      { format: auditTestFormat, fields: auditTestFormat.parse(doc, { receivedAt })!, raw: '{}' },
      rctx,
    );
    expect(record.attributes['event.original']).toBeUndefined();
  });
});

describe(mergeWrapped.name, () => {
  it('lets inner fields win and falls back to the wrapper per field', () => {
    const merged = mergeWrapped(
      {
        format: criTestFormat,
        fields: { timestamp: 1, level: 'info', host: 'node-1', attributes: { a: 1, b: 1 } },
        raw: 'w',
      },
      { format: appTestFormat, fields: { level: 'ERROR', attributes: { b: 2 } }, raw: 'inner' },
    );
    expect(merged).toEqual({
      format: appTestFormat,
      fields: {
        timestamp: 1,
        level: 'ERROR',
        host: 'node-1',
        attributes: { a: 1, b: 2, 'log.wrapper': 'cri-test' },
      },
      raw: 'inner',
    });
  });
});

describe(mergeShipperRecord.name, () => {
  it("lets the parsed line win for time, level, service and host; the shipper's fields stay", () => {
    const line = '2026-11-26 10:00:00,123 [ERROR] com.shop.Pay - declined';
    const doc = {
      '@timestamp': '2026-11-26T10:00:05.000Z',
      message: line,
      host: { name: 'filebeat-host' },
      log: { file: { path: '/var/log/shop.log' } },
      agent: { type: 'filebeat' },
    };
    const base = normalizeDocument(doc, { ...rctx, format: 'json' });
    const merged = mergeShipperRecord(
      base,
      { format: appTestFormat, fields: appTestFormat.parse(line, { receivedAt })!, raw: line },
      rctx,
    );
    expect(merged).toMatchObject({
      timestamp: Date.parse('2026-11-26T10:00:00.123Z'),
      severityText: 'error',
      body: 'declined',
      host: 'filebeat-host',
      format: 'app-test',
      attributes: {
        'log.file.path': '/var/log/shop.log',
        'agent.type': 'filebeat',
        'log.logger': 'com.shop.Pay',
        'event.original': line,
      },
    });
  });
});

describe(parseWith.name, () => {
  it('never throws, and gives a parser that refuses a joined record its first line', () => {
    const throwing = {
      ...accessTestFormat,
      parse: () => {
        throw new Error('bug');
      },
    };
    expect(parseWith(throwing, 'x', null, { receivedAt })).toBeNull();
    const strict = {
      ...appTestFormat,
      parse: (line: string) =>
        line.includes('\n') ? null : appTestFormat.parse(line, { receivedAt }),
    };
    const fields = parseWith(strict, '2026-11-26 10:00:00,123 [ERROR] a.B - boom\n\tat x', null, {
      receivedAt,
    });
    expect(fields?.message).toBe('boom\n\tat x');
  });
});

describe('a JSON format that maps only what it knows', () => {
  const auditOnly: JsonFormat = {
    name: 'audit-only',
    family: 'structured',
    kind: 'json',
    description: 'maps its own keys only',
    samples: [],
    detect: (doc) => doc.kind === 'audit',
    parse: (doc) => ({ level: 'info', attributes: { 'audit.kind': String(doc.kind) } }),
  };

  it('still gets the message, service, host, trace and time the generic path would find', () => {
    const fields = parseWith(
      auditOnly,
      '',
      {
        kind: 'audit',
        msg: 'granted',
        service: { name: 'gate' },
        'host.name': 'node-3',
        trace_id: '4BF92F3577B34DA6A3CE929D0E0E4736',
        '@timestamp': '2026-11-26T10:00:00Z',
      },
      { receivedAt },
    );
    expect(fields).toEqual({
      level: 'info',
      message: 'granted',
      service: 'gate',
      host: 'node-3',
      traceId: '4BF92F3577B34DA6A3CE929D0E0E4736',
      timestamp: Date.parse('2026-11-26T10:00:00Z'),
      attributes: { 'audit.kind': 'audit' },
    });
  });

  it('keeps what the format mapped, and the earliest candidate key when several are present', () => {
    const fields = parseWith(
      { ...auditOnly, parse: () => ({ service: 'mapped', attributes: {} }) },
      '',
      { kind: 'audit', service: 'ignored', message: 'first', msg: 'second' },
      { receivedAt },
    );
    expect(fields).toMatchObject({ service: 'mapped', message: 'first' });
  });
});
