/**
 * `npm run eval:feedback`: how many false-positive anomalies N pieces of feedback remove, on the
 * incident benchmark (bench/incidents/). A workload of 2 × EVAL_DAYS is replayed through the real
 * pipeline (HTTP ingest on a Vigil booted on a throwaway database), once per feedback budget,
 * each on a fresh tenant with the same seed. During the first half a simulated on-call person
 * judges up to N anomalies in the order they open, EVAL_DELAY_MIN minutes of event time after
 * each opens, with the incident benchmark's own matching (`scoreDetection` against the incidents
 * begun by then): matched is a true positive, unmatched a false positive, and a knock-on anomaly
 * (another service during an incident) is left unjudged, costing no budget. The verdict reaches
 * detection through `AnomalyDetectionService.applyFeedback` (the records of
 * `feedbackForAnomaly`). Only the second half is scored: anomalies detected in it against the
 * incidents begun in it. One line per budget, `feedback N false-positives F recall R precision
 * P ...`, then the wall time. Budget 0 runs twice by default: two tenants replaying the same
 * records do not end with exactly the same anomalies (pattern ids are per tenant and break ties
 * in what the window-outlier detector watches; the service's wall-clock tick moves event time a
 * little between batches), and the two baselines show how much of a difference is noise.
 *
 * The benchmark's detectors raise almost no false positive at the default sensitivity (0.5), so
 * the tenant runs at EVAL_SENSITIVITY (0.8 by default): a team that turned detection up and
 * uses feedback to prune what that brings.
 *
 * Env: EVAL_SEED (1), EVAL_DAYS (2: each half), EVAL_RATE (40), EVAL_INCIDENTS (per day, 4),
 * EVAL_BATCH (1000), EVAL_BUDGETS ("0,0,10,25"), EVAL_SENSITIVITY (0.8), EVAL_DELAY_MIN (10),
 * EVAL_VERBOSE=1 lists every verdict and every second-half false positive.
 */
import { randomBytes } from 'node:crypto';

import { startVigil } from '../src/app.factory';
import { dropDatabase } from '../src/common/database/database-setup';
import { AppConfig } from '../src/config/app-config';
import type { FeedbackVerdict } from '../src/ml/anomaly/detection-feedback';
import { feedbackForAnomaly } from '../src/ml/anomaly/feedback-keys';
import { AnomalyCatalogService } from '../src/modules/detection/anomaly-catalog.service';
import { AnomalyDetectionService } from '../src/modules/detection/anomaly-detection.service';
import type { AnomalyRow } from '../src/modules/detection/anomaly.repository';
import { DetectionSettingsService } from '../src/modules/detection/detection-settings.service';
import { permissionsOfScopes, type Principal } from '../src/modules/tenancy/principal';
import { TenancyService } from '../src/modules/tenancy/tenancy.service';
import { describeWorkload } from './incidents/describe-workload';
import {
  type DetectedAnomaly,
  type DetectionScore,
  formatTtd,
  scoreDetection,
} from './incidents/scoring';
import { dropRedisPrefix, readAll, toDocument } from './incidents/replay';
import { type GeneratedRecord, generateWorkload, type Workload } from './incidents/workload';

const SEED = Number(process.env.EVAL_SEED ?? 1);
const DAYS = Number(process.env.EVAL_DAYS ?? 2);
const RATE = Number(process.env.EVAL_RATE ?? 40);
const INCIDENTS = Number(process.env.EVAL_INCIDENTS ?? 4);
const BATCH = Number(process.env.EVAL_BATCH ?? 1000);
const BUDGETS = (process.env.EVAL_BUDGETS ?? '0,0,10,25').split(',').map(Number);
const SENSITIVITY = Number(process.env.EVAL_SENSITIVITY ?? 0.8);
const DELAY_MS = Number(process.env.EVAL_DELAY_MIN ?? 10) * 60_000;
const VERBOSE = process.env.EVAL_VERBOSE === '1';
const PG = process.env.EVAL_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const MIN = 60_000;
const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** 1970-01-05, the first Monday of the epoch. */
const MONDAY = 4 * DAY;
/** How far back each look for newly opened anomalies reaches (they open near the clock). */
const SCAN_BACK_MS = 60 * MIN;

type Vigil = Awaited<ReturnType<typeof startVigil>>;

interface Given {
  truePositives: number;
  falsePositives: number;
  /** Knock-on anomalies seen before the budget ran out: not judged, no budget spent. */
  skipped: number;
  records: number;
}

async function main(): Promise<void> {
  const wallStart = Date.now();
  if (!BUDGETS.every((b) => Number.isInteger(b) && b >= 0)) {
    throw new RangeError(`EVAL_BUDGETS must list non-negative integers, got ${String(BUDGETS)}`);
  }
  const id = randomBytes(5).toString('hex');
  const databaseUrl = `${PG}/vigil_eval_${id}`;
  const redisPrefix = `vigil_eval_${id}:`;
  // A Monday, 00:00 UTC, late enough that both halves end a day ago at the latest (no record is
  // in the future of the server's clock): runs on different days replay the same records.
  const latest = Date.now() - (2 * DAYS + 1) * DAY;
  const start = Math.floor((latest - MONDAY) / WEEK) * WEEK + MONDAY;
  const workload = generateWorkload({
    seed: SEED,
    start,
    days: 2 * DAYS,
    ratePerMinute: RATE,
    incidentsPerDay: INCIDENTS,
  });
  const mid = start + DAYS * DAY;
  console.log(describeWorkload(workload));
  console.log(
    `feedback during ${iso(start)}..${iso(mid)}, ${DELAY_MS / MIN} min after each anomaly opens; ` +
      `scored ${iso(mid)}..${iso(workload.end)} (${workload.incidents.filter((i) => i.from >= mid).length} incidents); ` +
      `sensitivity ${SENSITIVITY}`,
  );

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
      LOG_RETENTION_DAYS: String(2 * DAYS + 40),
    }),
  );
  try {
    for (const [i, budget] of BUDGETS.entries()) {
      const began = Date.now();
      const { given, score } = await run(vigil, workload, mid, budget, `eval-${id}-${i}`);
      const seconds = (Date.now() - began) / 1000;
      const fpKinds = Object.entries(score.falsePositivesByKind).sort((a, b) => b[1] - a[1]);
      console.log(
        `feedback ${budget} false-positives ${score.falsePositives} recall ${score.recall.toFixed(2)}` +
          ` precision ${score.precision.toFixed(2)}` +
          ` | given ${given.falsePositives} fp + ${given.truePositives} tp (${given.records} records, ${given.skipped} knock-on unjudged)` +
          `, detected ${score.detected}/${score.incidents}, median-ttd ${formatTtd(score.medianTtdMs)}` +
          `, fp by kind ${fpKinds.map(([k, n]) => `${k} ${n}`).join(', ') || '-'}` +
          `, ${seconds.toFixed(0)} s`,
      );
    }
  } finally {
    await vigil.close();
    await dropDatabase(databaseUrl);
    await dropRedisPrefix(REDIS, redisPrefix);
  }
  console.log(`wall time ${((Date.now() - wallStart) / 1000).toFixed(0)} s`);
}

/** Replays the workload on a new tenant with up to `budget` verdicts in the first half. */
async function run(
  vigil: Vigil,
  workload: Workload,
  mid: number,
  budget: number,
  slug: string,
): Promise<{ given: Given; score: DetectionScore }> {
  const created = await vigil.app.get(TenancyService).createTenant(slug);
  const tenantId = created.tenant.id;
  const admin = created.keys.find((k) => k.name === 'admin');
  const key = created.keys.find((k) => k.name === 'ingest')?.key as string;
  if (admin === undefined) throw new Error('the new tenant has no admin key');
  const principal: Principal = {
    tenantId,
    tenantSlug: created.tenant.slug,
    kind: 'api_key',
    subjectId: admin.id,
    label: admin.name,
    role: null,
    permissions: permissionsOfScopes(admin.scopes),
  };
  await vigil.app
    .get(DetectionSettingsService)
    .update(principal, { sensitivity: SENSITIVITY }, { ip: null, userAgent: null });
  const detection = vigil.app.get(AnomalyDetectionService);
  const catalog = vigil.app.get(AnomalyCatalogService);
  const url = `http://127.0.0.1:${vigil.port}/api/v1/logs`;

  const given: Given = { truePositives: 0, falsePositives: 0, skipped: 0, records: 0 };
  const seen = new Set<string>();
  const waiting: AnomalyRow[] = [];
  let left = budget;
  const judge = async (clock: number) => {
    await detection.settled(tenantId);
    const page = await catalog.list(tenantId, { from: new Date(clock - SCAN_BACK_MS) }, 500, null);
    for (const a of page.anomalies) {
      if (seen.has(a.id)) continue;
      seen.add(a.id);
      if (a.detectedAt < mid) waiting.push(a);
    }
    waiting.sort((a, b) => a.detectedAt - b.detectedAt || (a.id < b.id ? -1 : 1));
    while (left > 0 && waiting.length > 0 && waiting[0]!.detectedAt + DELAY_MS <= clock) {
      const opened = waiting.shift()!;
      const now = (await catalog.get(tenantId, opened.id)) ?? opened;
      const verdict = verdictOf(workload, now, clock);
      if (verdict === null) {
        given.skipped++;
        continue;
      }
      left--;
      if (verdict === 'true_positive') given.truePositives++;
      else given.falsePositives++;
      const records = feedbackForAnomaly(now, verdict, clock);
      given.records += records.length;
      for (const r of records) await detection.applyFeedback(tenantId, r);
      if (VERBOSE) {
        console.log(
          `  ${iso(clock)} ${verdict.padEnd(14)} ${now.kinds.join('+').padEnd(28)} ${now.service.padEnd(9)} ${now.explanation.slice(0, 90)}`,
        );
      }
    }
  };

  let batch: GeneratedRecord[] = [];
  const post = async (records: GeneratedRecord[]) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(records.map(toDocument)),
    });
    const body = (await res.json()) as { rejected?: number };
    if (!res.ok) throw new Error(`ingest answered ${res.status}: ${JSON.stringify(body)}`);
    if (body.rejected) throw new Error(`ingest rejected ${body.rejected} records`);
  };
  // One batch at a time, in event-time order: verdicts land between batches at known times.
  for (const r of workload.records()) {
    batch.push(r);
    if (batch.length < BATCH) continue;
    await post(batch);
    const clock = batch[batch.length - 1]!.at;
    batch = [];
    if (left > 0 && clock < mid + DELAY_MS) await judge(clock);
  }
  if (batch.length > 0) await post(batch);
  await detection.settled(tenantId);

  const anomalies = await readAll(catalog, tenantId);
  return { given, score: scoreSecondHalf(workload, mid, anomalies) };
}

/**
 * The on-call person's verdict at `clock`: the incident benchmark's matching of the anomaly as it
 * stands then against the incidents begun by then; null for a knock-on anomaly.
 */
function verdictOf(workload: Workload, a: AnomalyRow, clock: number): FeedbackVerdict | null {
  const known = {
    days: workload.days,
    incidents: workload.incidents.filter((i) => i.from <= clock),
  };
  const s = scoreDetection(known, [{ ...detected(a), to: a.endedAt ?? clock }]);
  if (s.matchedAnomalies === 1) return 'true_positive';
  return s.relatedAnomalies === 1 ? null : 'false_positive';
}

/**
 * Scores the anomalies detected in the second half against the incidents begun in it. Anomalies
 * that belong to a first-half incident running on past the middle are left out (they are
 * neither found incidents nor false alarms of the half being scored).
 */
function scoreSecondHalf(
  workload: Workload,
  mid: number,
  anomalies: readonly AnomalyRow[],
): DetectionScore {
  const late = anomalies.filter((a) => a.detectedAt >= mid).map(detected);
  const earlier = workload.incidents.filter((i) => i.from < mid);
  const tails = scoreDetection({ days: workload.days, incidents: earlier }, late);
  const leftOver = new Set(tails.outcomes.flatMap((o) => o.matchedBy));
  const half = {
    days: workload.days / 2,
    incidents: workload.incidents.filter((i) => i.from >= mid),
  };
  const score = scoreDetection(
    half,
    late.filter((a) => !leftOver.has(a.id)),
  );
  if (VERBOSE) {
    const matched = new Set(score.outcomes.flatMap((o) => o.matchedBy));
    for (const a of anomalies) {
      if (a.detectedAt < mid || matched.has(a.id) || leftOver.has(a.id)) continue;
      console.log(
        `  second half, unmatched: ${iso(a.detectedAt)} ${a.kinds.join('+').padEnd(28)} ${a.service.padEnd(9)} ${a.explanation.slice(0, 90)}`,
      );
    }
  }
  return score;
}

function detected(a: AnomalyRow): DetectedAnomaly {
  return {
    id: a.id,
    kind: a.kind,
    service: a.service,
    from: a.startedAt,
    to: a.endedAt,
    detectedAt: a.detectedAt,
    score: a.score,
  };
}

/** The record as a log shipper would send it to `/api/v1/logs` (as eval:incidents sends it). */
function iso(ms: number): string {
  return new Date(ms).toISOString().slice(5, 16);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
