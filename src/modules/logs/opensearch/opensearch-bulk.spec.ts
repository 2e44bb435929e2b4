import { buildLogRecord } from '../../../../test/factories/log-record.factory';
import { OpenSearchRecordEncoder, type EncoderContext } from './opensearch-bulk';
import { OpenSearchRequests } from './opensearch-requests';
import { OpenSearchNames } from './opensearch-settings';

const NOW = 1_764_000_000_000;
const DAY = 86_400_000;
const A = '00000000-0000-4000-8000-0000000000aa';

function context(overrides: Partial<EncoderContext> = {}): EncoderContext {
  return {
    requests: new OpenSearchRequests(new OpenSearchNames('logs-vigil')),
    now: NOW,
    maxRetentionDays: 7,
    maxItemBytes: 4096,
    dedicated: () => true,
    ...overrides,
  };
}

describe(OpenSearchRecordEncoder.name, () => {
  it('writes one create action and one source line per record, in NDJSON', () => {
    const sut = new OpenSearchRecordEncoder(context());
    const record = buildLogRecord({ tenantId: A, timestamp: NOW, body: 'line\nwith "quotes"' });
    sut.add(record);
    const { items, indexes, size, rejected } = sut.finish();
    expect({ size, indexes, rejected: [...rejected] }).toEqual({
      size: 1,
      indexes: [0],
      rejected: [],
    });
    const lines = (items[0] as Buffer).toString().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[0] as string)).toEqual({
      create: { _index: `logs-vigil-${A}`, _id: record.id, routing: A },
    });
    expect(JSON.parse(lines[1] as string)).toMatchObject({ message: 'line\nwith "quotes"' });
  });

  it('sends tenants beyond the dedicated limit to the shared stream', () => {
    const sut = new OpenSearchRecordEncoder(context({ dedicated: () => false }));
    sut.add(buildLogRecord({ tenantId: A, timestamp: NOW }));
    const action = (sut.finish().items[0] as Buffer).toString().split('\n')[0] as string;
    expect(JSON.parse(action)).toMatchObject({ create: { _index: 'logs-vigil-shared' } });
  });

  it('rejects alone what it cannot store: future, expired, oversized, unnamable tenant', () => {
    const sut = new OpenSearchRecordEncoder(context());
    sut.add(buildLogRecord({ tenantId: A, timestamp: NOW + 2 * DAY }));
    sut.add(buildLogRecord({ tenantId: A, timestamp: NOW }));
    sut.add(buildLogRecord({ tenantId: A, timestamp: NOW - 8 * DAY }));
    sut.add(buildLogRecord({ tenantId: A, timestamp: NOW, body: 'x'.repeat(5000) }));
    sut.add(buildLogRecord({ tenantId: 'Bad/Tenant', timestamp: NOW }));
    sut.add(buildLogRecord({ tenantId: A, timestamp: Number.NaN }));
    const { indexes, rejected } = sut.finish();
    expect(indexes).toEqual([1]);
    expect(Object.fromEntries(rejected)).toEqual({
      0: expect.stringMatching(/more than a day in the future/),
      2: expect.stringMatching(/older than the retention of 7 days/),
      3: expect.stringMatching(/bytes as a bulk item, more than the limit of 4096/),
      4: expect.stringMatching(/cannot name an OpenSearch index/),
      5: 'timestamp is not a valid time',
    });
  });
});
