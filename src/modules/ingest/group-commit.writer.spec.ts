import { buildLogRecord } from '../../../test/factories/log-record.factory';
import { InMemoryLogStore } from '../../../test/fakes/in-memory-log-store';
import { GroupCommitWriter, type GroupCommitOptions } from './group-commit.writer';
import { IngestError } from './ingest.errors';

const OPTIONS: GroupCommitOptions = {
  batchMaxRecords: 100,
  flushDelayMs: 0,
  writers: 1,
  maxPendingRecords: 1000,
};
const records = (n: number, body = 'line') =>
  Array.from({ length: n }, (_, i) => buildLogRecord({ body: `${body} ${i}` }));

describe(GroupCommitWriter.name, () => {
  it('resolves each write once its records are stored', async () => {
    const store = new InMemoryLogStore();
    const sut = new GroupCommitWriter(store, OPTIONS);
    const rejected = await sut.write(store.encode(records(3)));
    expect(rejected.size).toBe(0);
    expect(store.records).toHaveLength(3);
    expect(sut.pending).toBe(0);
  });

  it('groups concurrent writes into shared appends of about the batch size', async () => {
    const store = new InMemoryLogStore();
    const sut = new GroupCommitWriter(store, { ...OPTIONS, flushDelayMs: 20 });
    await Promise.all(Array.from({ length: 5 }, () => sut.write(store.encode(records(30)))));
    expect(store.appendCalls).toEqual([120, 30]);
    expect(store.records).toHaveLength(150);
  });

  it('never splits one request across appends', async () => {
    const store = new InMemoryLogStore();
    const sut = new GroupCommitWriter(store, OPTIONS);
    await sut.write(store.encode(records(250)));
    expect(store.appendCalls).toEqual([250]);
  });

  it('maps the store’s per-record rejections back to each write’s own indexes', async () => {
    const store = new InMemoryLogStore();
    store.rejectBodiesContaining = 'bad';
    const sut = new GroupCommitWriter(store, { ...OPTIONS, flushDelayMs: 10 });
    const first = sut.write(
      store.encode([buildLogRecord({ body: 'ok' }), buildLogRecord({ body: 'bad one' })]),
    );
    const second = sut.write(
      store.encode([buildLogRecord({ body: 'bad two' }), buildLogRecord({ body: 'fine' })]),
    );
    expect([...(await first).keys()]).toEqual([1]);
    expect([...(await second).keys()]).toEqual([0]);
    expect(store.records.map((r) => r.body)).toEqual(['ok', 'fine']);
  });

  it('refuses with SATURATED while too many records wait, and accepts again after', async () => {
    const store = new InMemoryLogStore();
    store.hold();
    const sut = new GroupCommitWriter(store, { ...OPTIONS, maxPendingRecords: 10 });
    const first = sut.write(store.encode(records(8)));
    await expect(sut.write(store.encode(records(5)))).rejects.toMatchObject({ code: 'SATURATED' });
    store.release();
    await first;
    await expect(sut.write(store.encode(records(5)))).resolves.toBeInstanceOf(Map);
  });

  it('lets one oversized write through when nothing else waits', async () => {
    const store = new InMemoryLogStore();
    const sut = new GroupCommitWriter(store, { ...OPTIONS, maxPendingRecords: 10 });
    await expect(sut.write(store.encode(records(50)))).resolves.toBeInstanceOf(Map);
  });

  it('fails every write of a failed append with STORE_UNAVAILABLE and keeps going', async () => {
    const store = new InMemoryLogStore();
    store.failWith = new Error('connection refused');
    const sut = new GroupCommitWriter(store, OPTIONS);
    const failed = sut.write(store.encode(records(2)));
    await expect(failed).rejects.toBeInstanceOf(IngestError);
    await expect(failed).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    store.failWith = null;
    await expect(sut.write(store.encode(records(2)))).resolves.toBeInstanceOf(Map);
    expect(sut.pending).toBe(0);
  });

  it('drains queued writes on close and refuses new ones', async () => {
    const store = new InMemoryLogStore();
    const sut = new GroupCommitWriter(store, { ...OPTIONS, flushDelayMs: 1000 });
    const queued = sut.write(store.encode(records(5)));
    await sut.close();
    await queued;
    expect(store.records).toHaveLength(5);
    await expect(sut.write(store.encode(records(1)))).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
    });
  });
});
