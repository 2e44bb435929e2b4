/**
 * `npm run bench:alerts`: pushes anomaly changes onto the detection queue at BENCH_RATE per
 * minute (10,000 by default) for BENCH_SECONDS against BENCH_RULES anomaly rules (200; each
 * watches a few of 50 services, so every anomaly is matched against all of them), with one
 * webhook channel on a loopback receiver, and prints notifications/s, the anomaly-to-notification
 * latency (enqueue → the receiver holding a notification that names the anomaly's alert; p50,
 * p99) and how far the engine fell behind. Vigil runs in process on a throwaway database.
 *
 * Each anomaly resolves BENCH_HOLD_MS later, so alerts keep firing and resolving and groups keep
 * sending updates (not only their first notification).
 *
 * Env: BENCH_RATE (10000/min), BENCH_SECONDS (30), BENCH_RULES (200), BENCH_HOLD_MS (500).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Queue } from 'bullmq';
import Redis from 'ioredis';

import { startVigil } from '../src/app.factory';
import { dropDatabase } from '../src/common/database/database-setup';
import { AppConfig } from '../src/config/app-config';
import type { AnomalyJob } from '../src/modules/detection/detection.jobs';
import { TenancyService } from '../src/modules/tenancy/tenancy.service';
import { graphqlCaller, quantile } from './support/bench-server';

const RATE = Number(process.env.BENCH_RATE ?? 10_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const RULES = Number(process.env.BENCH_RULES ?? 200);
const HOLD_MS = Number(process.env.BENCH_HOLD_MS ?? 500);
const SERVICES = 50;
const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function main(): Promise<void> {
  const id = randomBytes(4).toString('hex');
  const databaseUrl = `${PG}/vigil_bench_${id}`;
  const prefix = `vigil_bench_${id}:`;
  const arrivals: Array<{ at: number; body: string }> = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      arrivals.push({ at: performance.now(), body: Buffer.concat(chunks).toString() });
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const key = `bench-${id}`;
  const vigil = await startVigil(
    new AppConfig({
      DATABASE_URL: databaseUrl,
      REDIS_URL: REDIS,
      REDIS_PREFIX: prefix,
      HOST: '127.0.0.1',
      PORT: '0',
      ES_PORT: '0',
      LOG_LEVEL: 'warn',
      VIGIL_BOOTSTRAP_API_KEY: key,
    }),
  );
  const queue = new Queue('anomalies', { connection: { url: REDIS }, prefix: `${prefix}bull` });
  try {
    const created = await vigil.app.get(TenancyService).createTenant(`bench-${id}`);
    const tenantId = created.tenant.id;
    const admin = created.keys.find((k) => k.name === 'admin')?.key as string;
    const gql = graphqlCaller(vigil.port, admin);
    const channel = await gql<{ createAlertChannel: { channel: { id: string } } }>(
      'mutation ($i: CreateAlertChannelInput!) { createAlertChannel(input: $i) { channel { id } } }',
      { i: { name: 'bench', allowPrivateNetwork: true, webhook: { url: hook } } },
    );
    const channelId = channel.createAlertChannel.channel.id;
    for (let r = 0; r < RULES; r++) {
      await gql('mutation ($i: CreateAlertRuleInput!) { createAlertRule(input: $i) { id } }', {
        i: {
          name: `rule-${r}`,
          severity: 'WARNING',
          condition: {
            kind: 'ANOMALY',
            minScore: 0.5,
            services: [`svc-${r % SERVICES}`, `svc-${(r * 7) % SERVICES}`],
          },
          route: {
            channelIds: [channelId],
            groupBy: ['service'],
            groupWaitSeconds: 0,
            groupIntervalSeconds: 1,
            repeatIntervalSeconds: 3600,
          },
        },
      });
    }

    const sent = new Map<string, number>();
    const interval = 60_000 / RATE;
    const started = performance.now();
    /** Opened anomalies waiting for their resolution, oldest first. */
    const open: Array<{ due: number; data: AnomalyJob['data'] }> = [];
    let n = 0;
    let changes = 0;
    const resolveDue = async (until: number) => {
      while (open.length > 0 && (open[0] as { due: number }).due <= until) {
        const { data } = open.shift() as { data: AnomalyJob['data'] };
        const at = new Date().toISOString();
        await queue.add('anomaly.changed', {
          ...data,
          type: 'resolved',
          status: 'resolved',
          endedAt: at,
        });
        changes++;
      }
    };
    while (performance.now() - started < SECONDS * 1000) {
      const due = started + n * interval;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await resolveDue(performance.now());
      const anomalyId = randomUUID();
      const marker = `m${n}x`;
      const now = new Date().toISOString();
      const data: AnomalyJob['data'] = {
        tenantId,
        anomalyId,
        type: 'opened',
        service: `svc-${n % SERVICES}`,
        kind: 'pattern_rate',
        kinds: ['pattern_rate'],
        score: 0.9,
        status: 'open',
        startedAt: now,
        endedAt: null,
        detectedAt: now,
        explanation: `bench anomaly ${marker}`,
        patternIds: [],
      };
      sent.set(marker, performance.now());
      await queue.add('anomaly.changed', data);
      open.push({ due: performance.now() + HOLD_MS, data });
      n++;
      changes++;
    }
    await resolveDue(Infinity);
    const enqueued = performance.now();
    // Let the engine drain (at most a minute).
    let drained = false;
    for (let i = 0; i < 600; i++) {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed');
      if ((counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0) === 0) {
        drained = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const drainSeconds = (performance.now() - enqueued) / 1000;
    const engineSeconds = (performance.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 2000)); // last group notifications
    const latencies: number[] = [];
    for (const a of arrivals) {
      for (const m of a.body.matchAll(/bench anomaly (m\d+x)/g)) {
        const t0 = sent.get(m[1] as string);
        if (t0 !== undefined) {
          latencies.push(a.at - t0);
          sent.delete(m[1] as string);
        }
      }
    }
    latencies.sort((a, b) => a - b);
    const first = arrivals[0]?.at ?? started;
    const last = arrivals[arrivals.length - 1]?.at ?? started;
    const spanSeconds = Math.max(1, (last - first) / 1000);
    console.log(
      `${n} anomalies opened at ${RATE.toLocaleString('en')}/min for ${SECONDS} s, each resolved ${HOLD_MS} ms later (${changes} changes), against ${RULES} rules (${SERVICES} services)`,
    );
    console.log(
      `engine: ${(changes / engineSeconds).toFixed(0)} changes/s; ${drained ? 'drained' : 'did NOT drain'} ${drainSeconds.toFixed(1)} s after the last change was queued`,
    );
    console.log(
      `notifications: ${arrivals.length} over ${spanSeconds.toFixed(1)} s (${(arrivals.length / spanSeconds).toFixed(1)}/s); anomalies named in one: ${latencies.length}`,
    );
    console.log(
      `anomaly queued → first notification naming it: p50 ${quantile(latencies, 0.5).toFixed(0)} ms, p99 ${quantile(latencies, 0.99).toFixed(0)} ms, max ${quantile(latencies, 1).toFixed(0)} ms`,
    );
  } finally {
    await queue.close();
    await vigil.close();
    receiver.close();
    await dropDatabase(databaseUrl);
    const redis = new Redis(REDIS);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
