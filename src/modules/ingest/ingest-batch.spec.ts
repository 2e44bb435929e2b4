import { sshdTestParser, TEST_FORMATS } from '../../../test/factories/log-format.factory';
import { InMemoryLogStore } from '../../../test/fakes/in-memory-log-store';
import { MetricsService } from '../../common/metrics/metrics.service';
import { FormatsService } from '../formats/formats.service';
import { FormatRegistry } from '../formats/format-registry';
import type { LogRecord } from '../logs/log-record';
import {
  type BatchCommit,
  type BatchSink,
  IngestBatch,
  type IngestContext,
  type IngestOutcome,
  resolveOutcomes,
} from './ingest-batch';

const TENANT = '00000000-0000-4000-8000-0000000000f1';
const receivedAt = Date.parse('2026-11-26T12:00:00Z');

/** Commits into an InMemoryLogStore's encoder output, resolving outcomes as IngestService does. */
class StoreSink implements BatchSink {
  records: LogRecord[] = [];
  formats: ReadonlyMap<string, number> = new Map();

  commitBatch(_t: string, _c: IngestContext, batch: BatchCommit): Promise<IngestOutcome[]> {
    const encoded = batch.encoded as unknown as {
      records: LogRecord[];
      rejected: Map<number, string>;
    };
    this.records = encoded.records;
    this.formats = batch.formats;
    resolveOutcomes(batch, encoded.rejected);
    return Promise.resolve(batch.outcomes);
  }
}

function setup(pin?: string) {
  // The test formats play the tenant's own formats; the message parser stands for the built-ins'.
  const formats = new FormatsService(
    new MetricsService(),
    new FormatRegistry([], [sshdTestParser]),
  );
  formats.setTenantFormats(TENANT, TEST_FORMATS);
  const sink = new StoreSink();
  const store = new InMemoryLogStore();
  const batch = new IngestBatch(
    TENANT,
    { endpoint: 'test', format: 'json', pin, receivedAt, defaultService: 'svc' },
    store.encoder(),
    false,
    sink,
    formats,
    20,
  );
  return { batch, sink, formats };
}

describe(IngestBatch.name, () => {
  it('gives every line of a joined record the same outcome and id, in input order', async () => {
    const { batch, sink } = setup();
    batch.addLine('2026-11-26 10:00:02,500 [ERROR] com.shop.Pay - payment failed', 'files');
    batch.add({ msg: 'a document in between' }, 'docs');
    batch.addLine('java.lang.IllegalStateException: card expired', 'files');
    batch.addLine('\tat com.shop.Pay.charge(Pay.java:88)', 'files');
    batch.addLine('10.0.0.1 GET /cart 200', 'files');
    const outcomes = await batch.commit(0);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true, true, true]);
    const ids = outcomes.map((o) => (o.ok ? o.id : ''));
    expect(ids[2]).toBe(ids[0]);
    expect(ids[3]).toBe(ids[0]);
    expect(new Set(ids).size).toBe(3);
    const joined = sink.records.find((r) => r.id === ids[0]);
    expect(joined).toMatchObject({
      format: 'app-test',
      severityText: 'error',
      service: 'svc',
      dataset: 'files',
      body: 'payment failed\njava.lang.IllegalStateException: card expired\n\tat com.shop.Pay.charge(Pay.java:88)',
    });
    expect(Object.fromEntries(sink.formats)).toEqual({ json: 1, 'app-test': 1, 'access-test': 1 });
  });

  it('fails every line of a record the store refuses', async () => {
    const { batch } = setup();
    // A timestamp far in the future: the encoder refuses the record.
    batch.addLine('2999-01-01 00:00:00,000 [ERROR] a.B - from the future', 'files');
    batch.addLine('\tat x(A.java:1)', 'files');
    const outcomes = await batch.commit(0);
    expect(outcomes).toEqual([
      { ok: false, reason: expect.stringMatching(/future/) as unknown },
      { ok: false, reason: expect.stringMatching(/future/) as unknown },
    ]);
  });

  it('uses line hints: service and host defaults, a pinned format, an unknown one refused', async () => {
    const { batch, sink } = setup();
    batch.addLine('plain words', 'syslog', { service: 'legacy', host: 'box-1' });
    batch.addLine('10.0.0.1 GET /cart 200', 'syslog', { format: 'text' });
    batch.addLine('anything', 'syslog', { format: 'no-such' });
    const outcomes = await batch.commit(0);
    expect(outcomes[2]).toEqual({ ok: false, reason: 'unknown format "no-such"' });
    expect(sink.records.map((r) => [r.format, r.service, r.host])).toEqual([
      ['text', 'legacy', 'box-1'],
      ['text', 'svc', ''],
    ]);
  });

  it('parses a shipper document whose message is a raw line and merges it', async () => {
    const { batch, sink } = setup();
    batch.add(
      {
        '@timestamp': '2026-11-26T11:59:00.000Z',
        message: '<38>web-1 sshd[811]: Accepted password for ann from 10.1.2.3 port 51022 ssh2',
        host: { name: 'shipper-host' },
        agent: { type: 'filebeat' },
      },
      'filebeat',
    );
    await batch.commit(0);
    expect(sink.records[0]).toMatchObject({
      format: 'syslog-test',
      host: 'web-1',
      service: 'sshd',
      severityText: 'info',
      body: 'Accepted password for ann from 10.1.2.3 port 51022 ssh2',
      timestamp: Date.parse('2026-11-26T11:59:00.000Z'),
      attributes: {
        'agent.type': 'filebeat',
        'user.name': 'ann',
        'event.dataset': 'sshd-test',
      },
    });
  });

  it('parses a document a specific JSON format claims, and unwraps a wrapper document', async () => {
    const { batch, sink } = setup();
    batch.add(
      { kind: 'Event', apiVersion: 'audit.k8s.io/v1', verb: 'get', requestURI: '/api/v1/pods' },
      'audit',
    );
    batch.add(
      { log: '10.0.0.9 GET /x 503\n', stream: 'stdout', time: '2026-11-26T11:00:00Z' },
      'k8s',
    );
    await batch.commit(0);
    expect(sink.records.map((r) => [r.format, r.body])).toEqual([
      ['audit-test', 'get /api/v1/pods'],
      ['access-test', '10.0.0.9 GET /x 503'],
    ]);
    expect(sink.records[1]).toMatchObject({
      timestamp: Date.parse('2026-11-26T11:00:00Z'),
      attributes: { 'log.wrapper': 'docker-test', 'http.response.status_code': 503 },
    });
  });

  it('leaves documents as they are with format json, and keeps plain messages unparsed', async () => {
    const { batch, sink } = setup('json');
    batch.add({ message: '10.0.0.1 GET /cart 200', level: 'info' }, 'docs');
    await batch.commit(0);
    expect(sink.records[0]).toMatchObject({ format: 'json', body: '10.0.0.1 GET /cart 200' });
    const auto = setup();
    auto.batch.add({ message: 'just an application message', level: 'warn' }, 'docs');
    await auto.batch.commit(0);
    expect(auto.sink.records[0]).toMatchObject({ format: 'json', severityText: 'warn' });
  });

  it('still refuses a document nested too deep, alone', async () => {
    const { batch } = setup();
    let deep: unknown = 1;
    for (let i = 0; i < 30; i++) deep = { a: deep };
    batch.add(deep, 'docs');
    batch.addLine('fine', 'docs');
    const outcomes = await batch.commit(0);
    expect(outcomes[0]).toEqual({ ok: false, reason: 'the document nests deeper than 20 levels' });
    expect(outcomes[1]?.ok).toBe(true);
  });
});
