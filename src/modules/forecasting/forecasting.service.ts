import { randomUUID } from 'node:crypto';

import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Job } from 'bullmq';

import { QueueService, type TypedQueue } from '../../common/queues/queue.service';
import type { EnsembleAnomaly } from '../../ml/anomaly/anomaly-ensemble';
import { crossing, forecast, type ForecastPoint } from '../../ml/forecast/forecaster';
import { AnomalyDetectionService } from '../detection/anomaly-detection.service';
import { LogSearchService } from '../logs/log-search.service';
import { PatternCatalogService } from '../patterns/pattern-catalog.service';
import {
  type ForecastMetric,
  ForecastRepository,
  type ForecastRow,
  type SeriesKey,
} from './forecast.repository';
import { ForecastingError } from './forecasting.errors';
import { FORECASTING_QUEUE, type ForecastingJob } from './forecasting.jobs';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The intervals a series can be forecast at, and the history each is fitted on. */
export const INTERVALS: ReadonlyMap<number, number> = new Map([
  [5 * MINUTE, 2 * DAY],
  [15 * MINUTE, 7 * DAY],
  [HOUR, 14 * DAY],
]);

/** A trend warning: the error rate forecast to reach at least 5%… */
const TREND_MIN_ERROR_RATE = 0.05;
/** …and twice its mean over the last day. */
const TREND_FACTOR = 2;

/** Fewer points than this (after the series' first record) is not enough to forecast. */
const MIN_POINTS = 12;
/** Steps ahead at most. */
export const MAX_HORIZON = 500;
/** Actual values kept with a forecast (for charts): the last this many. */
const ACTUAL_POINTS = 200;
/** Services refitted per tenant on schedule (the busiest of the last week). */
const SCHEDULED_SERVICES = 20;
/** Patterns refitted per tenant on schedule (the busiest of the last week). */
const SCHEDULED_PATTERNS = 5;
/** Scheduled refits: every 15 minutes, hourly series, a day ahead. */
const SCHEDULE_EVERY_MS = 15 * MINUTE;
const SCHEDULED_HORIZON = 24;

/**
 * Forecasts of each tenant's log volume and error rate per service, and of the volume and the
 * mean numeric parameter (a latency, a queue depth) of its busiest patterns: series are read
 * from the log store (counts and parameter statistics per interval), fitted by src/ml/forecast (the model is chosen per series by
 * holdout error, and reports its own backtest), and stored. A repeatable job on the
 * `forecasting` queue refits the busiest services of every active tenant every 15 minutes; a
 * query for a series not fitted within its last interval is fitted on the spot.
 */
@Injectable()
export class ForecastingService implements OnModuleInit {
  readonly #logger = new Logger(ForecastingService.name);
  #queue: TypedQueue<ForecastingJob> | null = null;

  constructor(
    private readonly repo: ForecastRepository,
    private readonly logs: LogSearchService,
    private readonly patterns: PatternCatalogService,
    private readonly queues: QueueService,
    private readonly detection: AnomalyDetectionService,
  ) {}

  onModuleInit(): void {
    this.#queue = this.queues.register<ForecastingJob>({
      name: FORECASTING_QUEUE,
      processor: (job: Job<ForecastingJob['data'], unknown, ForecastingJob['name']>) =>
        job.name === 'forecast.schedule'
          ? this.schedule(Date.now())
          : this.refitTenant((job.data as { tenantId: string }).tenantId, Date.now()),
      jobOptions: { removeOnComplete: true, removeOnFail: { count: 100 } },
    });
    // A job scheduler (one per queue, whatever the number of replicas) runs the schedule.
    void this.#queue.queue
      .upsertJobScheduler(
        'forecast-schedule',
        { every: SCHEDULE_EVERY_MS },
        { name: 'forecast.schedule', data: {} },
      )
      .catch((err: unknown) => this.#logger.warn(`forecast schedule not set: ${String(err)}`));
  }

  /** Queues a refit of every tenant that had records mined in the last day. */
  async schedule(now: number): Promise<void> {
    for (const tenantId of await this.patterns.activeTenants(new Date(now - DAY))) {
      await this.#queue?.add('forecast.refit', { tenantId }, { jobId: `refit-${tenantId}` });
    }
  }

  /** Refits the volume and error-rate forecasts of the tenant's busiest services. */
  async refitTenant(tenantId: string, now: number): Promise<number> {
    const services = await this.logs.facets(
      tenantId,
      { from: new Date(now - 7 * DAY), to: new Date(now) },
      'service',
      SCHEDULED_SERVICES,
    );
    let fitted = 0;
    const fit = async (key: SeriesKey): Promise<ForecastRow | null> => {
      try {
        const row = await this.compute(tenantId, key, HOUR, SCHEDULED_HORIZON, now);
        fitted++;
        return row;
      } catch (err) {
        if (!(err instanceof ForecastingError)) throw err;
        return null;
      }
    };
    for (const { value: service } of services) {
      await fit({ service, metric: 'volume' });
      const errors = await fit({ service, metric: 'error_rate' });
      if (errors !== null) await this.#trend(tenantId, errors, now);
    }
    // The busiest patterns: their volume, and the mean of their first numeric parameter.
    const busiest = await this.patterns.list(
      tenantId,
      { from: new Date(now - 7 * DAY), to: new Date(now) },
      SCHEDULED_PATTERNS,
      null,
    );
    for (const p of busiest.patterns) {
      await fit({ service: p.service, metric: 'pattern_volume', patternId: p.id });
      const numeric = p.paramStats.findIndex((s) => (s.numeric?.count ?? 0) > 0);
      if (numeric >= 0) {
        await fit({ service: p.service, metric: 'parameter', patternId: p.id, parameter: numeric });
      }
    }
    return fitted;
  }

  /**
   * Early warning: an error rate forecast to reach TREND_MIN_ERROR_RATE and TREND_FACTOR times
   * its last day's mean within the horizon opens a `trend` anomaly (kept open, and updated,
   * while refits still predict it; resolved when they no longer do).
   */
  async #trend(tenantId: string, row: ForecastRow, now: number): Promise<void> {
    const recent = row.actual.slice(-24).map((a) => a.value);
    const mean = recent.reduce((a, b) => a + b, 0) / Math.max(1, recent.length);
    const limit = Math.max(TREND_MIN_ERROR_RATE, TREND_FACTOR * mean);
    const point = row.points.find((p) => p.value >= limit) ?? null;
    const open = await this.repo.trend(tenantId, row, row.intervalMs);
    if (point === null && open === null) return;
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    const trend = open ?? { id: randomUUID(), since: now };
    const explanation =
      point === null
        ? `The error rate of ${row.service} is no longer forecast to climb (last day ${pct(mean)})`
        : `The error rate of ${row.service} is forecast to reach ${pct(point.value)} by ${new Date(point.at).toISOString()} (last day ${pct(mean)}; model ${row.model})`;
    const anomaly: EnsembleAnomaly = {
      id: trend.id,
      service: row.service,
      kind: 'trend',
      kinds: ['trend'],
      score: point === null ? 0.5 : Math.min(1, 0.5 + 0.5 * Math.min(1, point.value / limit - 0.5)),
      status: point === null ? 'resolved' : 'open',
      from: trend.since,
      to: point === null ? now : null,
      detectedAt: trend.since,
      lastActivity: now,
      explanation,
      evidence: {
        patternIds: [],
        exampleLogIds: [],
        observed: point?.value ?? mean,
        expected: mean,
        unit: 'share',
      },
      subjects: ['error_rate'],
      candidates: 1,
    };
    await this.detection.report(tenantId, {
      type: open === null ? 'opened' : point === null ? 'resolved' : 'updated',
      anomaly,
    });
    await this.repo.setTrend(tenantId, row, row.intervalMs, point ? trend : null);
  }

  /**
   * The forecast of a series: the stored one while it is fresher than one interval and long
   * enough, else fitted now (and stored).
   */
  async get(
    tenantId: string,
    key: SeriesKey,
    intervalMs: number,
    horizon: number,
    now = Date.now(),
  ): Promise<ForecastRow> {
    checkRequest(key, intervalMs, horizon);
    const stored = await this.repo.find(tenantId, key, intervalMs);
    if (
      stored &&
      now - stored.generatedAt.getTime() < intervalMs &&
      stored.points.length >= horizon
    ) {
      return { ...stored, points: stored.points.slice(0, horizon) };
    }
    return this.compute(tenantId, key, intervalMs, horizon, now);
  }

  /**
   * Whether the series is predicted to cross `threshold` within `withinMs` (the expected value,
   * not the interval): the first such point, or null. For forecast alert rules.
   */
  async predictedCrossing(
    tenantId: string,
    rule: {
      service: string;
      metric: ForecastMetric;
      op: '>' | '<';
      threshold: number;
      withinMs: number;
    },
    now = Date.now(),
  ): Promise<ForecastPoint | null> {
    const horizon = Math.min(MAX_HORIZON, Math.max(1, Math.ceil(rule.withinMs / HOUR)));
    const f = await this.get(
      tenantId,
      { service: rule.service, metric: rule.metric },
      HOUR,
      horizon,
      now,
    );
    return crossing(
      { model: f.model, points: f.points, backtest: f.backtest, params: f.params },
      rule.op,
      rule.threshold,
    );
  }

  async compute(
    tenantId: string,
    key: SeriesKey,
    intervalMs: number,
    horizon: number,
    now: number,
  ): Promise<ForecastRow> {
    checkRequest(key, intervalMs, horizon);
    const history = INTERVALS.get(intervalMs) as number;
    // Complete intervals only: the current one is still filling.
    const to = Math.floor(now / intervalMs) * intervalMs;
    const from = to - history;
    const series = await this.#series(tenantId, key, intervalMs, from, to);
    const first = series.findIndex((v) => v !== null);
    const name = key.patternId ? `pattern ${key.patternId} of ${key.service}` : key.service;
    if (first < 0 || series.length - first < MIN_POINTS) {
      throw new ForecastingError(
        'NOT_ENOUGH_DATA',
        `${name} has fewer than ${MIN_POINTS} intervals of ${intervalMs / 60_000} min with data to forecast from`,
      );
    }
    // A bucket without a value (no numeric parameter in it) carries the last one forward.
    const values: number[] = [];
    for (const v of series.slice(first)) values.push(v ?? (values[values.length - 1] as number));
    const start = from + first * intervalMs;
    const f = forecast({
      values,
      intervalMs,
      start,
      horizon,
      nonNegative: key.metric !== 'parameter' || values.every((v) => v >= 0),
      bounded01: key.metric === 'error_rate',
    });
    const row: Omit<ForecastRow, 'trend'> = {
      ...key,
      intervalMs,
      generatedAt: new Date(now),
      model: f.model,
      actual: values
        .map((value, i) => ({ at: start + i * intervalMs, value }))
        .slice(-ACTUAL_POINTS),
      points: f.points,
      backtest: f.backtest,
      params: f.params,
    };
    await this.repo.save(tenantId, row);
    return { ...row, trend: null };
  }

  /** The series' value per interval over [from, to); null where it has none. */
  async #series(
    tenantId: string,
    key: SeriesKey,
    intervalMs: number,
    from: number,
    to: number,
  ): Promise<Array<number | null>> {
    const interval = `${intervalMs / 1000}s`;
    const range = {
      from: new Date(from),
      to: new Date(to),
      services: [key.service],
      ...(key.patternId ? { query: `pattern:${key.patternId}` } : {}),
    };
    const buckets = Math.round((to - from) / intervalMs);
    const slot = (start: number) => Math.round((start - from) / intervalMs);
    if (key.metric === 'parameter') {
      const out: Array<number | null> = new Array<number | null>(buckets).fill(null);
      const stats = await this.logs.paramStats(tenantId, range, interval, key.parameter ?? 0);
      for (const p of stats)
        if (slot(p.start) >= 0 && slot(p.start) < buckets) out[slot(p.start)] = p.mean;
      return out;
    }
    const total = await this.logs.histogram(tenantId, range, interval);
    const counts = new Array<number>(buckets).fill(0);
    for (const p of total)
      if (slot(p.start) >= 0 && slot(p.start) < buckets) counts[slot(p.start)] = p.count;
    // Before the series' first record there is no series (a new service is not a silent one).
    const first = counts.findIndex((c) => c > 0);
    if (key.metric !== 'error_rate') {
      return counts.map((c, i) => (first < 0 || i < first ? null : c));
    }
    const errors = await this.logs.histogram(
      tenantId,
      { ...range, levels: ['error', 'fatal'] },
      interval,
    );
    const failed = new Array<number>(buckets).fill(0);
    for (const p of errors)
      if (slot(p.start) >= 0 && slot(p.start) < buckets) failed[slot(p.start)] = p.count;
    return counts.map((c, i) =>
      first < 0 || i < first ? null : c === 0 ? 0 : (failed[i] as number) / c,
    );
  }
}

function checkRequest(key: SeriesKey, intervalMs: number, horizon: number): void {
  if (key.service.trim() === '') {
    throw new ForecastingError('INVALID_ARGUMENT', 'service is empty');
  }
  if ((key.metric === 'pattern_volume' || key.metric === 'parameter') && !key.patternId) {
    throw new ForecastingError('INVALID_ARGUMENT', `${key.metric} needs a patternId`);
  }
  if (
    key.parameter !== undefined &&
    (!Number.isInteger(key.parameter) || key.parameter < 0 || key.parameter > 31)
  ) {
    throw new ForecastingError('INVALID_ARGUMENT', 'parameter must be an integer from 0 to 31');
  }
  if (!INTERVALS.has(intervalMs)) {
    throw new ForecastingError('INVALID_ARGUMENT', 'intervalMinutes must be 5, 15 or 60');
  }
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > MAX_HORIZON) {
    throw new ForecastingError(
      'INVALID_ARGUMENT',
      `the horizon must be 1 to ${MAX_HORIZON} intervals`,
    );
  }
}
