import {
  dockerTestFormat,
  sshdTestParser,
  TEST_FORMATS,
} from '../../../test/factories/log-format.factory';
import { FormatRegistry } from './format-registry';
import { FormatStream } from './format-stream';
import { type AssembledRecord, LinePipeline, parseDetectedLine } from './line-pipeline';

const ctx = { receivedAt: Date.parse('2026-11-26T12:00:00Z') };
const registry = new FormatRegistry(TEST_FORMATS, [sshdTestParser]);

function run(lines: string[], stream = new FormatStream(registry)): AssembledRecord<number>[] {
  const out: AssembledRecord<number>[] = [];
  const sut = new LinePipeline<number>(stream, ctx, (r) => out.push(r));
  lines.forEach((line, i) => sut.push(line, i, ctx.receivedAt));
  sut.end();
  return out;
}

const summary = (r: AssembledRecord<number>) => ({
  format: r.format.name,
  message: r.fields.message ?? r.raw,
  owners: r.owners,
});

describe(LinePipeline.name, () => {
  it('parses each line with the format detected on it, text as the fallback', () => {
    const records = run([
      '2026-11-26 10:00:00,123 [INFO] com.shop.Cart - cart 17 saved',
      '10.0.0.1 GET /cart 200',
      'something else entirely',
    ]);
    expect(records.map(summary)).toEqual([
      { format: 'app-test', message: 'cart 17 saved', owners: [0] },
      { format: 'access-test', message: '10.0.0.1 GET /cart 200', owners: [1] },
      { format: 'text', message: 'something else entirely', owners: [2] },
    ]);
    expect(records[0]!.fields).toMatchObject({
      timestamp: Date.parse('2026-11-26T10:00:00.123Z'),
      level: 'INFO',
      attributes: { 'log.logger': 'com.shop.Cart' },
    });
  });

  it('joins a stack trace onto its log line and parses the joined record', () => {
    const records = run([
      '2026-11-26 10:00:02,500 [ERROR] com.shop.Pay - payment failed',
      'java.lang.IllegalStateException: card expired',
      '\tat com.shop.Pay.charge(Pay.java:88)',
      '2026-11-26 10:00:03,000 [INFO] com.shop.Cart - cart 18 saved',
    ]);
    expect(records.map(summary)).toEqual([
      {
        format: 'app-test',
        message:
          'payment failed\njava.lang.IllegalStateException: card expired\n\tat com.shop.Pay.charge(Pay.java:88)',
        owners: [0, 1, 2],
      },
      { format: 'app-test', message: 'cart 18 saved', owners: [3] },
    ]);
  });

  it('applies the message sub-parser of a syslog program; the record keeps its format', () => {
    const [record] = run([
      '<38>web-1 sshd[811]: Accepted password for ann from 10.1.2.3 port 51022 ssh2',
    ]);
    expect(record!.format.name).toBe('syslog-test');
    expect(record!.fields.attributes).toEqual({
      'process.name': 'sshd',
      'process.pid': 811,
      'event.outcome': 'success',
      'user.name': 'ann',
      'source.ip': '10.1.2.3',
      'source.port': 51022,
      'event.dataset': 'sshd-test',
    });
  });

  it('unwraps Docker lines: inner fields win, the wrapper keeps its timestamp when the inner has none', () => {
    const records = run([
      '{"log":"2026-11-26 10:00:00,123 [WARN] com.shop.Pay - slow provider\\n","stream":"stderr","time":"2026-11-26T10:00:00.500Z"}',
      '{"log":"10.0.0.1 GET /cart 200\\n","stream":"stdout","time":"2026-11-26T10:00:01.000Z"}',
      '{"log":"plain words\\n","stream":"stdout","time":"2026-11-26T10:00:02.000Z"}',
    ]);
    expect(records.map(summary)).toEqual([
      { format: 'app-test', message: 'slow provider', owners: [0] },
      { format: 'access-test', message: '10.0.0.1 GET /cart 200', owners: [1] },
      { format: 'docker-test', message: 'plain words', owners: [2] },
    ]);
    expect(records[0]!.fields).toMatchObject({
      timestamp: Date.parse('2026-11-26T10:00:00.123Z'),
      level: 'WARN',
      attributes: { 'log.iostream': 'stderr', 'log.wrapper': 'docker-test' },
    });
    expect(records[1]!.fields.timestamp).toBe(Date.parse('2026-11-26T10:00:01.000Z'));
    expect(records[2]!.fields.timestamp).toBe(Date.parse('2026-11-26T10:00:02.000Z'));
  });

  it('runs the message sub-parser of the program a wrapper names (journald style)', () => {
    const journald = new FormatRegistry(
      [
        {
          ...dockerTestFormat,
          name: 'journal-test',
          parse: (doc: Readonly<Record<string, unknown>>) => ({
            message: String(doc.log),
            service: 'sshd',
            attributes: { 'process.name': 'sshd' },
          }),
        },
      ],
      [sshdTestParser],
    );
    const [record] = run(
      ['{"log":"Failed password for eve from 10.1.2.5 port 3 ssh2","stream":"x","time":"t"}'],
      new FormatStream(journald),
    );
    expect(record!.format.name).toBe('journal-test');
    expect(record!.fields.attributes).toMatchObject({
      'user.name': 'eve',
      'event.dataset': 'sshd-test',
    });
  });

  it('reassembles Docker partial lines, then joins the stack trace they carry', () => {
    const records = run([
      '{"log":"2026-11-26 10:00:02,500 [ERROR] com.shop.Pay - pay","stream":"stdout","time":"2026-11-26T10:00:02Z"}',
      '{"log":"ment failed\\n","stream":"stdout","time":"2026-11-26T10:00:02Z"}',
      '{"log":"\\tat com.shop.Pay.charge(Pay.java:88)\\n","stream":"stdout","time":"2026-11-26T10:00:02Z"}',
      '{"log":"2026-11-26 10:00:03,000 [INFO] com.shop.Cart - next\\n","stream":"stdout","time":"2026-11-26T10:00:03Z"}',
    ]);
    expect(records.map(summary)).toEqual([
      {
        format: 'app-test',
        message: 'payment failed\n\tat com.shop.Pay.charge(Pay.java:88)',
        owners: [0, 1, 2],
      },
      { format: 'app-test', message: 'next', owners: [3] },
    ]);
  });

  it('reassembles CRI `P` pieces until the `F` line', () => {
    const records = run([
      '2026-11-26T10:00:00.000Z stdout P 10.0.0.1 GET',
      '2026-11-26T10:00:00.000Z stdout P  /cart',
      '2026-11-26T10:00:00.000Z stdout F  200',
      '2026-11-26T10:00:01.000Z stdout F done',
    ]);
    expect(records.map(summary)).toEqual([
      { format: 'access-test', message: '10.0.0.1 GET /cart 200', owners: [0, 1, 2] },
      { format: 'cri-test', message: 'done', owners: [3] },
    ]);
  });

  it('closes a partial record when the input ends or another kind of line comes', () => {
    expect(run(['2026-11-26T10:00:00.000Z stdout P half']).map(summary)).toEqual([
      { format: 'cri-test', message: 'half', owners: [0] },
    ]);
    expect(run(['2026-11-26T10:00:00.000Z stdout P half', 'unrelated line']).map(summary)).toEqual([
      { format: 'cri-test', message: 'half', owners: [0] },
      { format: 'text', message: 'unrelated line', owners: [1] },
    ]);
  });

  it('flushes a pending record after the timeout (streaming inputs)', () => {
    const out: AssembledRecord<number>[] = [];
    const sut = new LinePipeline<number>(new FormatStream(registry), ctx, (r) => out.push(r));
    sut.push('boom', 0, 1000);
    sut.push('\tat x(A.java:1)', 1, 1100);
    sut.flushDue(2000);
    expect(out).toHaveLength(0);
    sut.flushDue(2600);
    expect(out.map(summary)).toEqual([
      { format: 'text', message: 'boom\n\tat x(A.java:1)', owners: [0, 1] },
    ]);
  });

  it('parses JSON lines with the JSON format that claims them, never joining them', () => {
    const records = run([
      '{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"get","requestURI":"/api/v1/pods"}',
      '{"level":"info","msg":"hello"}',
      '    indented after json',
    ]);
    expect(records.map(summary)).toEqual([
      { format: 'audit-test', message: 'get /api/v1/pods', owners: [0] },
      { format: 'json', message: 'hello', owners: [1] },
      { format: 'text', message: '    indented after json', owners: [2] },
    ]);
  });

  it('uses a pinned format, and text for lines it refuses', () => {
    const pinned = new FormatStream(registry, registry.byName('access-test'));
    expect(run(['10.0.0.1 GET /cart 200', 'no match'], pinned).map(summary)).toEqual([
      { format: 'access-test', message: '10.0.0.1 GET /cart 200', owners: [0] },
      { format: 'text', message: 'no match', owners: [1] },
    ]);
  });
});

describe(parseDetectedLine.name, () => {
  it('parses one raw line, unwrapping and applying sub-parsers, or returns null for text', () => {
    const stream = new FormatStream(registry);
    const parse = (line: string) => parseDetectedLine(stream, stream.detectLine(line), line, ctx);
    expect(parse('just words')).toBeNull();
    expect(
      parse('<38>web-1 sshd[811]: Failed password for eve from 10.1.2.5 port 3 ssh2'),
    ).toMatchObject({
      format: { name: 'syslog-test' },
      fields: { attributes: { 'user.name': 'eve' } },
    });
    expect(
      parse('2026-11-26T10:00:00.000Z stderr F 10.0.0.9 GET /x 500')?.fields.attributes,
    ).toMatchObject({ 'http.response.status_code': 500, 'log.wrapper': 'cri-test' });
  });
});
