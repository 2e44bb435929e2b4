/**
 * `npm run bench:detect`: under a steady load of 10,000 records/s (500-record `/es/_bulk`
 * requests of routine, already-learned patterns), injects a new error pattern every
 * BENCH_PROBE_MS on a service of its own and measures, for each, the time from the ingest
 * request's acknowledgement to the `anomalyDetected` event reaching a graphql-ws client; prints
 * p50/p99/max. The server runs as a child process on a throwaway database (bench/support).
 *
 * Env: BENCH_SECONDS (30), BENCH_RATE (10000), BENCH_PROBE_MS (250).
 */
import { randomBytes } from 'node:crypto';

import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

import { paced, peakRssMb, poster, quantile, startBenchServer } from './support/bench-server';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const RATE = Number(process.env.BENCH_RATE ?? 10_000);
const PROBE_MS = Number(process.env.BENCH_PROBE_MS ?? 250);
const KEY = `bench-${randomBytes(6).toString('hex')}`;
const SERVICES = ['checkout', 'payments', 'search', 'auth', 'inventory', 'gateway'];

/** A 500-record bulk body of routine records (a handful of patterns, varied parameters). */
function bulkBody(b: number): Buffer {
  let text = '';
  const now = Date.now();
  for (let i = 0; i < 500; i++) {
    const n = b * 500 + i;
    const service = SERVICES[n % SERVICES.length] as string;
    const message =
      n % 3 === 0
        ? `order ${100000 + n} processed in ${n % 500} ms`
        : n % 3 === 1
          ? `GET /api/items/${n % 997} 200 in ${n % 90} ms`
          : `cache hit for key user:${n % 5000}`;
    text += `{"create":{"_index":"bench"}}\n${JSON.stringify({
      '@timestamp': new Date(now).toISOString(),
      level: 'info',
      service,
      message,
    })}\n`;
  }
  return Buffer.from(text);
}

async function graphql(port: number, query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ query, variables }),
  });
  const json = (await res.json()) as { errors?: unknown };
  if (json.errors) throw new Error(JSON.stringify(json.errors));
}

async function main(): Promise<void> {
  const server = await startBenchServer(KEY);
  const post = poster(KEY, 8);
  const client = createClient({
    url: `ws://127.0.0.1:${server.port}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${KEY}` },
    retryAttempts: 0,
  });
  try {
    // New patterns are raised from a service's first record on (no learning period).
    await graphql(
      server.port,
      'mutation { updateDetectionSettings(input: { learningHours: 0 }) { learningHours } }',
    );
    const bodies = Array.from({ length: 64 }, (_, b) => bulkBody(b));
    // Warm-up: every routine pattern is known before the measurement.
    await paced(post, server.port, bodies, 500, RATE, 3);

    const arrived = new Map<string, number>();
    const waiting = new Map<string, (at: number) => void>();
    const subscription = client.iterate<{
      anomalyDetected: { type: string; anomaly: { service: string } };
    }>({
      query:
        'subscription { anomalyDetected(filter: { kinds: [NEW_PATTERN] }) { type anomaly { service } } }',
    });
    const listening = (async () => {
      for await (const event of subscription) {
        const at = performance.now();
        const service = event.data?.anomalyDetected.anomaly.service ?? '';
        if (!service.startsWith('probe-') || arrived.has(service)) continue;
        arrived.set(service, at);
        waiting.get(service)?.(at);
      }
    })();
    await new Promise((r) => setTimeout(r, 500)); // the subscription reaches Redis

    const load = paced(post, server.port, bodies, 500, RATE, SECONDS);
    const latencies: number[] = [];
    let missed = 0;
    const started = performance.now();
    for (let i = 0; performance.now() - started < SECONDS * 1000; i++) {
      const service = `probe-${i}`;
      const event = new Promise<number>((resolve) => waiting.set(service, resolve));
      const body = Buffer.from(
        JSON.stringify({
          '@timestamp': new Date().toISOString(),
          level: 'error',
          service,
          message: `Ledger shard ${i} refused the write: checksum mismatch ${randomBytes(4).toString('hex')}`,
        }),
      );
      const res = await post(server.port, '/api/v1/logs', body, 'application/json');
      const acked = performance.now();
      if (res.status !== 200) throw new Error(`probe refused: ${res.status} ${res.text}`);
      const at = await Promise.race([
        event,
        new Promise<null>((r) => setTimeout(() => r(null), 5000)),
      ]);
      if (at === null) missed++;
      // An event can overtake the acknowledgement (detection runs before the reply is sent).
      else latencies.push(Math.max(0, at - acked));
      const pause = PROBE_MS - (performance.now() - acked);
      if (pause > 0) await new Promise((r) => setTimeout(r, pause));
    }
    const loadLatencies = await load;
    await subscription.return?.();
    await listening.catch(() => undefined);
    latencies.sort((a, b) => a - b);
    console.log(
      `load: ${RATE.toLocaleString('en')} records/s for ${SECONDS} s in 500-record requests; request p50 ${quantile(loadLatencies, 0.5).toFixed(1)} ms, p99 ${quantile(loadLatencies, 0.99).toFixed(1)} ms`,
    );
    console.log(
      `new-pattern anomaly, ingest ack → anomalyDetected on graphql-ws: ${latencies.length} probes, p50 ${quantile(latencies, 0.5).toFixed(1)} ms, p99 ${quantile(latencies, 0.99).toFixed(1)} ms, max ${quantile(latencies, 1).toFixed(1)} ms, ${missed} missed`,
    );
    console.log(`server peak RSS: ${peakRssMb(server.child.pid as number).toFixed(0)} MiB`);
  } finally {
    await client.dispose();
    post.close();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
