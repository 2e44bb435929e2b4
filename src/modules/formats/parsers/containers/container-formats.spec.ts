import type { JsonFormat, LogFormat } from '../../log-format';
import { CRI_FORMAT } from './cri.format';
import { DOCKER_JSON_FORMAT } from './docker-json.format';
import { CONTAINER_FORMATS } from './index';
import { JOURNALD_JSON_FORMAT } from './journald-json.format';
import { K8S_AUDIT_FORMAT } from './k8s-audit.format';
import { parseKlogStructured, readGoQuoted } from './klog-fields';
import { KLOG_FORMAT } from './klog.format';

const ctx = { receivedAt: Date.parse('2026-11-26T12:00:00Z') };

function claimants(formats: readonly LogFormat[], line: string): string[] {
  return formats
    .filter((f) =>
      f.kind === 'line'
        ? f.detect(line)
        : line.startsWith('{') && f.detect(JSON.parse(line) as Record<string, unknown>),
    )
    .map((f) => f.name);
}

function parseJson(format: JsonFormat, doc: Record<string, unknown>) {
  return format.detect(doc) ? format.parse(doc, ctx) : null;
}

describe('container formats', () => {
  it.each(CONTAINER_FORMATS.flatMap((f) => f.samples.map((s) => [f.name, s.line] as const)))(
    '%s alone claims its own sample: %s',
    (name, line) => {
      expect(claimants(CONTAINER_FORMATS, line)).toEqual([name]);
    },
  );

  it('marks the wrapping formats, whose message is another format line', () => {
    const wrapping = CONTAINER_FORMATS.filter((f) => f.wraps === true).map((f) => f.name);
    expect(wrapping.sort()).toEqual(['cri', 'docker-json', 'journald-json']);
  });

  describe('partial lines', () => {
    it('joins CRI P pieces until the F piece, whitespace kept as written', () => {
      const pieces = [
        '2026-11-26T10:11:12.000000001Z stdout P first half ',
        '2026-11-26T10:11:12.000000002Z stdout P  middle',
        '2026-11-26T10:11:12.000000003Z stdout F  end',
      ].map((l) => CRI_FORMAT.parse(l, ctx));
      expect(pieces.map((p) => p?.partial === true)).toEqual([true, true, false]);
      expect(pieces.map((p) => p?.message).join('')).toBe('first half  middle end');
    });

    it('treats a Docker record without the trailing newline as partial, and an empty one as complete', () => {
      const split = parseJson(DOCKER_JSON_FORMAT, {
        log: 'x'.repeat(16384),
        stream: 'stdout',
        time: '2026-11-26T10:11:12Z',
      });
      expect(split?.partial).toBe(true);
      const empty = parseJson(DOCKER_JSON_FORMAT, {
        log: '\n',
        stream: 'stderr',
        time: '2026-11-26T10:11:12Z',
      });
      expect(empty).toMatchObject({ message: '' });
      expect(empty?.partial).toBeUndefined();
    });
  });

  describe('rejections', () => {
    it('refuses CRI look-alikes', () => {
      for (const line of [
        '2026-11-26T10:11:12Z stdin F hello',
        '2026-11-26T10:11:12Z stdout X hello',
        '2026-11-26 10:11:12 stdout F hello',
        '2026-11-26T10:11:12Z stdout',
      ]) {
        expect(CRI_FORMAT.detect(line)).toBe(false);
      }
      expect(CRI_FORMAT.parse('2026-11-26T10:11:12Z stdin F hello', ctx)).toBeNull();
    });

    it('refuses klog look-alikes and a glog header from another layout', () => {
      for (const line of [
        'I1126 10:11:12 1234 file.go:42] no fraction',
        'X1126 10:11:12.123456 1234 file.go:42] bad level',
        'INFO 2026-11-26 10:11:12 file.go:42] message',
      ]) {
        expect(KLOG_FORMAT.detect(line)).toBe(false);
        expect(KLOG_FORMAT.parse(line, ctx)).toBeNull();
      }
    });

    it('refuses JSON documents of other shapes', () => {
      expect(DOCKER_JSON_FORMAT.detect({ log: 'x', stream: 'stdin', time: 't' })).toBe(false);
      expect(
        DOCKER_JSON_FORMAT.detect({ log: { nested: true }, stream: 'stdout', time: 't' }),
      ).toBe(false);
      expect(K8S_AUDIT_FORMAT.detect({ kind: 'Event', apiVersion: 'v1', reason: 'BackOff' })).toBe(
        false,
      );
      expect(
        JOURNALD_JSON_FORMAT.detect({ __REALTIME_TIMESTAMP: 1795687872123456, MESSAGE: 'x' }),
      ).toBe(false);
    });

    it('keeps a Kubernetes core Event out of k8s-audit', () => {
      const coreEvent = {
        kind: 'Event',
        apiVersion: 'v1',
        metadata: { name: 'web-1.18', namespace: 'prod' },
        reason: 'BackOff',
        message: 'Back-off restarting failed container',
      };
      expect(parseJson(K8S_AUDIT_FORMAT, coreEvent)).toBeNull();
    });
  });

  describe('klog', () => {
    it('gives a year-less December line read in January the previous year', () => {
      const parsed = KLOG_FORMAT.parse('I1231 23:59:59.999999 1 main.go:1] tick', {
        receivedAt: Date.parse('2027-01-01T00:00:05Z'),
      });
      expect(parsed?.timestamp).toBe(Date.parse('2026-12-31T23:59:59.999Z'));
    });

    it('undoes Go escapes in structured values', () => {
      const quoted = '"tab\\there \\"q\\" \\u00e9 \\x41" rest';
      expect(readGoQuoted(quoted, 0)).toEqual({
        value: 'tab\there "q" é A',
        end: quoted.indexOf(' rest'),
      });
      expect(readGoQuoted('"never closed', 0)).toBeNull();
      expect(parseKlogStructured('"msg" path="C:\\\\tmp" n=-3 ok=false')).toEqual({
        message: 'msg',
        attrs: { path: 'C:\\tmp', n: -3, ok: false },
      });
    });

    it('keeps a printf message that merely starts with a quote as written', () => {
      const parsed = KLOG_FORMAT.parse(
        'W1126 10:11:12.000001 9 x.go:1] "quoted" word then text',
        ctx,
      );
      expect(parsed?.message).toBe('"quoted" word then text');
    });

    it('keeps continuation lines (a goroutine dump) in the message', () => {
      const parsed = KLOG_FORMAT.parse(
        'F1126 10:11:12.000001 9 server.go:88] unable to start: port in use\ngoroutine 1 [running]:\nmain.main()',
        ctx,
      );
      expect(parsed).toMatchObject({
        level: 'F',
        message: 'unable to start: port in use\ngoroutine 1 [running]:\nmain.main()',
      });
    });
  });

  describe('journald', () => {
    it('falls back to the receive time when the source time is junk, and reads repeated MESSAGE fields', () => {
      const parsed = parseJson(JOURNALD_JSON_FORMAT, {
        __REALTIME_TIMESTAMP: '1795687872123456',
        _SOURCE_REALTIME_TIMESTAMP: 'junk',
        MESSAGE: ['first', 'second'],
        _PID: 'not-a-number',
      });
      expect(parsed).toMatchObject({
        timestamp: Date.parse('2026-11-26T10:11:12.123Z'),
        message: 'second',
      });
      expect(parsed?.attributes).not.toHaveProperty('process.pid');
    });

    it('leaves MESSAGE null out instead of failing the record', () => {
      const parsed = parseJson(JOURNALD_JSON_FORMAT, {
        __REALTIME_TIMESTAMP: '1795687872123456',
        MESSAGE: null,
      });
      expect(parsed).not.toBeNull();
      expect(parsed?.message).toBeUndefined();
    });
  });

  describe('k8s audit', () => {
    it('keeps the audit level out of the severity and caps request objects', () => {
      const parsed = parseJson(K8S_AUDIT_FORMAT, {
        kind: 'Event',
        apiVersion: 'audit.k8s.io/v1',
        level: 'RequestResponse',
        verb: 'create',
        stageTimestamp: '2026-11-26T10:11:12Z',
        requestObject: { data: 'x'.repeat(20000) },
        sourceIPs: ['::1'],
      });
      expect(parsed?.level).toBeUndefined();
      expect(parsed?.attributes).toMatchObject({
        'kubernetes.audit.level': 'RequestResponse',
        'source.ip': '::1',
      });
      expect(String(parsed?.attributes?.['kubernetes.audit.requestObject']).length).toBe(8192);
    });
  });
});
