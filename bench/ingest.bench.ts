/**
 * `npm run bench:ingest`: sends 1,000,000+ realistic mixed records through `/es/_bulk` on loopback
 * with several concurrent connections, then a paced 10,000 records/s run of 500-record requests,
 * and prints sustained records/s, p50/p99 request latency and the server's peak RSS.
 *
 * The server runs as a child process (built `dist/src/main.js`) on its own throwaway database.
 * Env: BENCH_RECORDS (1000000), BENCH_BATCH (1000), BENCH_CONNECTIONS (8), BENCH_PACED_SECONDS (20),
 * BENCH_PROFILE (rich | minimal), BENCH_NODE_ARGS (extra node flags for the server, e.g. --cpu-prof).
 */
import { randomBytes } from 'node:crypto';

import {
  paced,
  peakRssMb,
  type Post,
  poster,
  quantile,
  startBenchServer,
} from './support/bench-server';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 1000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const PACED_SECONDS = Number(process.env.BENCH_PACED_SECONDS ?? 20);
/** `rich` (default: ECS/k8s documents, ~365 bytes) or `minimal` (timestamp, level, message). */
const PROFILE = process.env.BENCH_PROFILE ?? 'rich';
const KEY = `bench-${randomBytes(6).toString('hex')}`;

const SERVICES = ['checkout', 'payments', 'search', 'auth', 'inventory', 'gateway'];
const PATHS = [
  '/api/cart',
  '/api/pay',
  '/api/search?q=shoes',
  '/login',
  '/api/items/42',
  '/healthz',
];

/** One realistic record: a mix of access logs, app JSON logs, errors with stack traces and k8s metadata. */
function record(i: number, now: number): Record<string, unknown> {
  if (PROFILE === 'minimal') {
    return {
      '@timestamp': new Date(now - (i % 60_000)).toISOString(),
      level: i % 10 === 9 ? 'error' : 'info',
      message: `user ${i % 5000} GET /api/items/${i} 200 in ${i % 500} ms`,
    };
  }
  const service = SERVICES[i % SERVICES.length] as string;
  const ts = new Date(now - (i % 60_000)).toISOString();
  const kind = i % 10;
  const k8s = {
    kubernetes: {
      pod_name: `${service}-${(i % 7).toString(16)}f9c`,
      namespace_name: 'prod',
      container_name: service,
    },
  };
  if (kind < 5) {
    const status = i % 50 === 0 ? 503 : 200;
    return {
      '@timestamp': ts,
      message: `10.0.${i % 255}.${(i * 7) % 255} - - "GET ${PATHS[i % PATHS.length]} HTTP/1.1" ${status} ${(i * 13) % 9000} "-" "Mozilla/5.0" rt=${(i % 997) / 1000}`,
      service: { name: service },
      host: { name: `node-${i % 12}` },
      http: { response: { status_code: status } },
      ...k8s,
    };
  }
  if (kind < 9) {
    return {
      '@timestamp': ts,
      level: kind === 8 ? 'warn' : 'info',
      msg: `order ${100000 + i} ${kind === 8 ? 'retrying payment provider after timeout' : 'processed'} in ${i % 500} ms`,
      service,
      trace_id: randomHex(i, 32),
      span_id: randomHex(i + 1, 16),
      user_id: `u-${i % 5000}`,
      ...k8s,
    };
  }
  return {
    '@timestamp': ts,
    level: 'error',
    message: `java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.\n\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)\n\tat com.shop.${service}.Repository.find(Repository.java:${i % 300})`,
    service,
    host: `node-${i % 12}`,
    ...k8s,
  };
}

function randomHex(seed: number, length: number): string {
  let out = '';
  let x = seed * 2654435761;
  while (out.length < length) {
    x = (x * 1103515245 + 12345) >>> 0;
    out += x.toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}

/** One bulk request; like a shipper's batch, it goes to one index (three in turn across requests). */
function bodyOf(start: number, count: number, now: number): Buffer {
  const action = `{"create":{"_index":"bench-${(start / count) % 3}"}}\n`;
  let text = '';
  for (let i = start; i < start + count; i++)
    text += `${action}${JSON.stringify(record(i, now))}\n`;
  return Buffer.from(text);
}

async function sendAll(
  post: Post,
  port: number,
  bodies: Buffer[],
  perBody: number,
  total: number,
  concurrency: number,
) {
  const latencies: number[] = [];
  let next = 0;
  let sent = 0;
  let retried = 0;
  const worker = async () => {
    while (next * perBody < total) {
      const body = bodies[next++ % bodies.length] as Buffer;
      for (;;) {
        const t0 = performance.now();
        const res = await post(port, '/es/_bulk', body);
        latencies.push(performance.now() - t0);
        if (res.status === 429) {
          retried++;
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        if (res.status !== 200 || res.text.includes('"errors":true'))
          throw new Error(`bulk failed: ${res.status} ${res.text.slice(0, 300)}`);
        sent += perBody;
        break;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { seconds, sent, retried, latencies };
}

async function searchCheck(port: number): Promise<{ count: number; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({
      query:
        '{ logs(filter: { query: "HikariPool AND service:payments" }, first: 10) { totalCount edges { node { id } } } }',
    }),
  });
  const json = (await res.json()) as { data?: { logs: { totalCount: number } }; errors?: unknown };
  if (!json.data) throw new Error(`search failed: ${JSON.stringify(json.errors)}`);
  return { count: json.data.logs.totalCount, ms: performance.now() - t0 };
}

/** Group-commit figures from the server's own metrics: how big the batches were and how long commits took. */
async function writeStats(port: number): Promise<string> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const value = (name: string) =>
    Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  const batches = value('vigil_log_write_batch_records_count');
  const records = value('vigil_log_write_batch_records_sum');
  const seconds = value('vigil_log_write_duration_seconds_sum');
  return `group commits: ${batches} batches, ${(records / batches).toFixed(0)} records each on average, ${((seconds / batches) * 1000).toFixed(1)} ms per commit`;
}

async function main(): Promise<void> {
  const server = await startBenchServer(KEY);
  const post = poster(KEY, CONNECTIONS);
  try {
    const now = Date.now();
    const bodies = Array.from({ length: 64 }, (_, b) => bodyOf(b * BATCH, BATCH, now));
    const bodies500 = Array.from({ length: 64 }, (_, b) => bodyOf(b * 500, 500, now));
    const perRecord = bodies.reduce((s, b) => s + b.length, 0) / bodies.length / BATCH;
    console.log(
      `records: ${RECORDS} ${PROFILE}, ${BATCH}/request, ${CONNECTIONS} connections, ~${perRecord.toFixed(0)} bytes/record`,
    );

    await sendAll(post, server.esPort, bodies, BATCH, 20 * BATCH, CONNECTIONS); // warm-up
    const run = await sendAll(post, server.port, bodies, BATCH, RECORDS, CONNECTIONS);
    const rate = run.sent / run.seconds;
    console.log(
      `sustained: ${Math.round(rate).toLocaleString('en')} records/s over ${run.seconds.toFixed(1)} s` +
        ` (${run.sent.toLocaleString('en')} records, ${run.retried} 429 retries);` +
        ` request latency p50 ${quantile(run.latencies, 0.5).toFixed(1)} ms, p99 ${quantile(run.latencies, 0.99).toFixed(1)} ms`,
    );

    const pacedLatencies = await paced(post, server.port, bodies500, 500, 10_000, PACED_SECONDS);
    console.log(
      `paced 10,000 records/s in 500-record requests for ${PACED_SECONDS} s: p50 ${quantile(pacedLatencies, 0.5).toFixed(1)} ms,` +
        ` p99 ${quantile(pacedLatencies, 0.99).toFixed(1)} ms, max ${quantile(pacedLatencies, 1).toFixed(1)} ms`,
    );

    const search = await searchCheck(server.port);
    console.log(
      `search "HikariPool AND service:payments": ${search.count.toLocaleString('en')} hits, ${search.ms.toFixed(0)} ms`,
    );
    console.log(await writeStats(server.port));
    console.log(`server peak RSS: ${peakRssMb(server.child.pid as number).toFixed(0)} MiB`);
  } finally {
    post.close();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
