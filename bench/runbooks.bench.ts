/**
 * `npm run bench:runbooks`: starts BENCH_RUNS manual runs of a four-step runbook (three HTTP calls
 * to a loopback receiver and a notify-free `when`-skipped step) through GraphQL, BENCH_PARALLEL at
 * a time, and prints runs/s and steps/s through the executor, and each run's start-to-finish time
 * (p50, p99) as Postgres recorded it. Vigil runs in process on a throwaway database.
 *
 * Env: BENCH_RUNS (400), BENCH_PARALLEL (20).
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Client } from 'pg';

import { startVigil } from '../src/app.factory';
import { dropDatabase } from '../src/common/database/database-setup';
import { AppConfig } from '../src/config/app-config';
import { TenancyService } from '../src/modules/tenancy/tenancy.service';
import { graphqlCaller, quantile } from './support/bench-server';

const RUNS = Number(process.env.BENCH_RUNS ?? 400);
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 20);
const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function main(): Promise<void> {
  const id = randomBytes(4).toString('hex');
  const databaseUrl = `${PG}/vigil_bench_${id}`;
  let calls = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const vigil = await startVigil(
    new AppConfig({
      DATABASE_URL: databaseUrl,
      REDIS_URL: REDIS,
      REDIS_PREFIX: `vigil_bench_${id}:`,
      HOST: '127.0.0.1',
      PORT: '0',
      ES_PORT: '0',
      LOG_LEVEL: 'warn',
      VIGIL_BOOTSTRAP_API_KEY: `bench-${id}`,
    }),
  );
  const db = new Client({ connectionString: databaseUrl });
  try {
    const created = await vigil.app.get(TenancyService).createTenant(`bench-${id}`);
    const admin = created.keys.find((k) => k.name === 'admin')?.key as string;
    const gql = graphqlCaller(vigil.port, admin);
    await gql(
      `mutation ($i: RemediationSettingsInput!) { updateRemediationSettings(input: $i) { enabled } }`,
      {
        i: { allowPrivateNetwork: true, maxRunsPerHour: 10_000, limits: { maxRunsPerHour: 1000 } },
      },
    );
    await gql(`mutation ($d: JSON!) { saveRunbook(definition: $d) { id } }`, {
      d: {
        id: 'bench',
        name: 'Bench',
        version: 1,
        trigger: { kind: 'manual' },
        limits: { maxRunsPerHour: 1000 },
        parameters: [{ name: 'n', type: 'integer', min: 0, max: 1_000_000, required: true }],
        steps: [
          { id: 'one', kind: 'http', method: 'GET', url: `${target}/one/{{ params.n }}` },
          { id: 'two', kind: 'http', method: 'GET', url: `${target}/two/{{ params.n }}` },
          {
            id: 'skipped',
            kind: 'http',
            method: 'GET',
            url: `${target}/never`,
            when: 'params.n < 0',
          },
          { id: 'three', kind: 'http', method: 'GET', url: `${target}/three/{{ params.n }}` },
        ],
      },
    });
    const started = performance.now();
    let next = 0;
    const startOne = async (): Promise<void> => {
      while (next < RUNS) {
        const n = next++;
        await gql(`mutation ($i: JSON) { startRunbook(id: "bench", input: $i) { run { id } } }`, {
          i: { n },
        });
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, () => startOne()));
    await db.connect();
    for (;;) {
      const [row] = (
        await db.query<{ done: number }>(
          `SELECT count(*)::int AS done FROM runbook_runs WHERE status IN ('succeeded', 'failed', 'cancelled')`,
        )
      ).rows;
      if ((row?.done ?? 0) >= RUNS) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (performance.now() - started) / 1000;
    const { rows } = await db.query<{ status: string; ms: number }>(
      `SELECT status, extract(epoch FROM finished_at - created_at) * 1000 AS ms FROM runbook_runs`,
    );
    const ms = rows.map((r) => Number(r.ms)).sort((a, b) => a - b);
    const failed = rows.filter((r) => r.status !== 'succeeded').length;
    process.stdout.write(
      [
        `${RUNS} runs of 4 steps (3 HTTP calls, 1 skipped), ${PARALLEL} started at a time through GraphQL`,
        `executor: ${(RUNS / seconds).toFixed(1)} runs/s, ${((RUNS * 4) / seconds).toFixed(0)} steps/s, ${calls} calls; ${failed} runs not succeeded`,
        `run start → finish: p50 ${quantile(ms, 0.5).toFixed(0)} ms, p99 ${quantile(ms, 0.99).toFixed(0)} ms`,
        '',
      ].join('\n'),
    );
  } finally {
    await db.end().catch(() => undefined);
    await vigil.close();
    receiver.close();
    await dropDatabase(databaseUrl);
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
