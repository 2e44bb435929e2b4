import { ndjson, TestVigil } from '../support/test-vigil';

describe('health and metrics', () => {
  let sut: TestVigil;

  beforeAll(async () => {
    sut = await TestVigil.start();
  });
  afterAll(() => sut.close());

  it('answers liveness and readiness', async () => {
    expect(await (await fetch(`${sut.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${sut.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { postgres: 'ok', redis: 'ok' },
    });
  });

  it('exposes ingest counters, batch sizes, write latency and process metrics', async () => {
    await fetch(`${sut.esUrl}/_bulk`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sut.adminKey}`, 'content-type': 'application/x-ndjson' },
      body: ndjson([
        { index: { _index: 'm' } },
        { message: 'counted' },
        { index: { _index: 'm' } },
        'nope',
      ]),
    });
    const res = await fetch(`${sut.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/vigil_ingest_records_total\{endpoint="es_bulk",outcome="stored"\} 1/);
    expect(text).toMatch(/vigil_ingest_records_total\{endpoint="es_bulk",outcome="rejected"\} 1/);
    expect(text).toMatch(/vigil_log_write_batch_records_count 1/);
    expect(text).toMatch(/vigil_ingest_requests_total\{endpoint="es",status="200"\} 1/);
    expect(text).toMatch(/vigil_log_write_duration_seconds_bucket/);
    expect(text).toMatch(/process_resident_memory_bytes/);
  });
});
