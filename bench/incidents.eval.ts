/**
 * `npm run eval:incidents`: replays a simulated week of a multi-service workload with labelled
 * incidents (bench/incidents/) at speed through the real pipeline — HTTP ingest on a Vigil booted
 * on a throwaway database, format detection, redaction, template mining, the detectors and the
 * ensemble — then reads the anomalies back and scores them against the incidents: per-kind
 * recall, precision, time to detect and false positives per simulated day, ending with one line
 * `overall recall R precision P false-positives/day F median-ttd S`.
 *
 * Env: EVAL_SEED (1), EVAL_START (ISO time the week starts; default DAYS + 1 days ago, so runs
 * at different times of day differ), EVAL_DAYS (7), EVAL_RATE (records/min per service, 40), EVAL_INCIDENTS
 * (per day, 4), EVAL_BATCH (1000), EVAL_CONNECTIONS (1: batches in event-time order, as one shipper sends them), EVAL_VERBOSE=1 lists every incident and
 * every unmatched anomaly.
 */
import { randomBytes } from 'node:crypto';

import { startVigil } from '../src/app.factory';
import { dropDatabase } from '../src/common/database/database-setup';
import { AppConfig } from '../src/config/app-config';
import { AnomalyCatalogService } from '../src/modules/detection/anomaly-catalog.service';
import { AnomalyDetectionService } from '../src/modules/detection/anomaly-detection.service';
import type { AnomalyRow } from '../src/modules/detection/anomaly.repository';
import { TenancyService } from '../src/modules/tenancy/tenancy.service';
import { describeWorkload } from './incidents/describe-workload';
import { type DetectedAnomaly, format, scoreDetection } from './incidents/scoring';
import { dropRedisPrefix, readAll, toDocument } from './incidents/replay';
import { type GeneratedRecord, generateWorkload } from './incidents/workload';

const SEED = Number(process.env.EVAL_SEED ?? 1);
const DAYS = Number(process.env.EVAL_DAYS ?? 7);
const RATE = Number(process.env.EVAL_RATE ?? 40);
const INCIDENTS = Number(process.env.EVAL_INCIDENTS ?? 4);
const BATCH = Number(process.env.EVAL_BATCH ?? 1000);
const CONNECTIONS = Number(process.env.EVAL_CONNECTIONS ?? 1);
const VERBOSE = process.env.EVAL_VERBOSE === '1';
const PG = process.env.EVAL_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const MIN = 60_000;

async function main(): Promise<void> {
  const id = randomBytes(5).toString('hex');
  const databaseUrl = `${PG}/vigil_eval_${id}`;
  const redisPrefix = `vigil_eval_${id}:`;
  // The week ends a day ago, so no record is in the future of the server's clock.
  const start = process.env.EVAL_START
    ? Date.parse(process.env.EVAL_START)
    : Math.floor((Date.now() - (DAYS + 1) * 86_400_000) / MIN) * MIN;
  const workload = generateWorkload({
    seed: SEED,
    start,
    days: DAYS,
    ratePerMinute: RATE,
    incidentsPerDay: INCIDENTS,
  });
  console.log(describeWorkload(workload));

  const vigil = await startVigil(
    new AppConfig({
      DATABASE_URL: databaseUrl,
      REDIS_URL: REDIS,
      REDIS_PREFIX: redisPrefix,
      HOST: '127.0.0.1',
      PORT: '0',
      ES_PORT: '0',
      LOG_LEVEL: 'warn',
      VIGIL_BOOTSTRAP_API_KEY: `eval-${id}`,
      LOG_RETENTION_DAYS: String(DAYS + 30),
    }),
  );
  try {
    const created = await vigil.app.get(TenancyService).createTenant(`eval-${id}`);
    const tenantId = created.tenant.id;
    const key = created.keys.find((k) => k.name === 'ingest')?.key as string;
    const url = `http://127.0.0.1:${vigil.port}/api/v1/logs`;

    const began = Date.now();
    let sent = 0;
    let rejected = 0;
    const inFlight = new Set<Promise<void>>();
    let batch: GeneratedRecord[] = [];
    const post = async (records: GeneratedRecord[]) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(records.map(toDocument)),
      });
      const body = (await res.json()) as { rejected?: number; errors?: unknown[] };
      if (!res.ok) throw new Error(`ingest answered ${res.status}: ${JSON.stringify(body)}`);
      rejected += body.rejected ?? 0;
    };
    // Batches go out in order, a few at a time: event time moves forward as in a live feed.
    for (const r of workload.records()) {
      batch.push(r);
      if (batch.length < BATCH) continue;
      const p = post(batch).finally(() => inFlight.delete(p));
      inFlight.add(p);
      sent += batch.length;
      batch = [];
      if (inFlight.size >= CONNECTIONS) await Promise.race(inFlight);
      if (sent % 200_000 === 0) {
        const s = (Date.now() - began) / 1000;
        process.stdout.write(`  ${sent} records in ${s.toFixed(0)} s\r`);
      }
    }
    if (batch.length > 0) {
      sent += batch.length;
      await post(batch);
    }
    await Promise.all(inFlight);
    const seconds = (Date.now() - began) / 1000;
    console.log(
      `replayed ${sent} records in ${seconds.toFixed(1)} s (${Math.round(sent / seconds)} records/s), ${rejected} rejected`,
    );

    // Everything detected so far is stored (event time stops where the week ends: running it on
    // would make every service go silent).
    await vigil.app.get(AnomalyDetectionService).settled(tenantId);

    const anomalies = await readAll(vigil.app.get(AnomalyCatalogService), tenantId);
    const detected: DetectedAnomaly[] = anomalies.map((a) => ({
      id: a.id,
      kind: a.kind,
      service: a.service,
      from: a.startedAt,
      to: a.endedAt,
      detectedAt: a.detectedAt,
      score: a.score,
    }));
    const score = scoreDetection(workload, detected);
    if (VERBOSE) printDetails(anomalies, score.outcomes);
    console.log(format(score));
  } finally {
    await vigil.close();
    await dropDatabase(databaseUrl);
    await dropRedisPrefix(REDIS, redisPrefix);
  }
}

/** The record as a log shipper would send it to `/api/v1/logs`. */
function printDetails(
  anomalies: readonly AnomalyRow[],
  outcomes: ReturnType<typeof scoreDetection>['outcomes'],
): void {
  const iso = (ms: number) => new Date(ms).toISOString().slice(5, 16);
  const matched = new Set<string>();
  for (const o of outcomes) for (const id of o.matchedBy) matched.add(id);
  for (const o of outcomes) {
    const i = o.incident;
    const by = anomalies.filter((a) => o.matchedBy.includes(a.id)).map((a) => a.kinds.join('+'));
    console.log(
      `incident ${i.kind.padEnd(20)} ${i.service.padEnd(9)} ${iso(i.from)}..${iso(i.to)} ` +
        (o.ttdMs === null ? 'MISSED' : `ttd ${Math.round(o.ttdMs / 1000)}s by ${by.join(', ')}`),
    );
  }
  for (const a of anomalies) {
    if (matched.has(a.id)) continue;
    console.log(
      `false positive ${a.kinds.join('+').padEnd(28)} ${a.service.padEnd(9)} ${iso(a.startedAt)} ${a.score.toFixed(2)} ${a.explanation.slice(0, 110)}`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
