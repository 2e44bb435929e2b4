import { randomUUID } from 'node:crypto';

import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Job } from 'bullmq';

import type { TenantTx } from '../../common/database/tenant-transaction';
import { MetricsService } from '../../common/metrics/metrics.service';
import { AppConfig } from '../../config/app-config';
import { QueueService, type TypedQueue } from '../../common/queues/queue.service';
import { ANOMALY_QUEUE, type AnomalyJob } from '../detection/detection.jobs';
import { ForecastingError } from '../forecasting/forecasting.errors';
import { ForecastingService } from '../forecasting/forecasting.service';
import { LogSearchService } from '../logs/log-search.service';
import { ActionLinkSigner } from './actions/action-links';
import { AlertEscalationService } from './alert-escalation.service';
import { AlertEvents } from './alert-events.service';
import { AlertRepository, EngineStateCache } from './alert.repository';
import type { AlertDeliveryJob } from './alerting.jobs';
import { AlertConfigPort, type AlertRuleRow } from './alerting.types';
import type { AlertNotice } from './channels/alert-channel';
import { type AnomalyChange, compare, ruleMatches } from './engine/rule-matching';
import { PatternWeights } from './engine/rule-weights';
import { type EngineState, TenantEngine } from './tenant-engine';

export type { AnomalyChange } from './engine/rule-matching';

/** A tenant with nothing due is still looked at this often (silences that ended, windows). */
const RECHECK_MS = 30_000;

/** How often log-query rules are evaluated. */
const QUERY_EVERY_MS = 30_000;

/** Anomaly jobs taken at once by this process (batched per tenant into engine runs). */
const BATCH_CONCURRENCY = 64;

/** How long the one-click links of a notification work. */
const LINK_TTL_MS = 7 * 86_400_000;

/** How often the scheduler looks for tenants with a group notification due. */
const TICK_MS = 1000;

/**
 * Another module's interest in what the engine saw (remediation starts runbooks from these).
 * Called after the engine's writes committed; an observer only queues work, it never blocks.
 */
export interface AlertingObserver {
  alertsChanged?(tenantId: string, fingerprints: readonly string[]): Promise<void>;
  anomalyChanged?(change: AnomalyChange): Promise<void>;
}

/**
 * The alerting engine: consumes anomaly changes from the detection queue, matches them against
 * the tenant's rules, and runs the pure engine (src/modules/alerting/engine) — alert state with
 * `for`, transient and flapping filters, silences and inhibition, Alertmanager-style grouping and
 * correlation into incidents — over the tenant's engine state, held in Postgres under a per-tenant
 * lock so replicas take turns. Due group notifications become one notification row and one
 * delivery job per channel.
 */
@Injectable()
export class AlertEngineService implements OnModuleInit, OnModuleDestroy {
  readonly #logger = new Logger(AlertEngineService.name);
  #delivery: TypedQueue<AlertDeliveryJob> | null = null;
  /** Per tenant: anomaly changes waiting for the next engine run, and their jobs' promises. */
  readonly #batches = new Map<
    string,
    {
      changes: AnomalyChange[];
      waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }>;
    }
  >();
  readonly #running = new Set<string>();
  /** Each tenant's engine state as this process last wrote it (reused while still current). */
  readonly #states = new EngineStateCache();
  #queriedAt = 0;
  #timer: NodeJS.Timeout | null = null;
  #ticking = false;
  readonly #observers: AlertingObserver[] = [];

  constructor(
    private readonly repo: AlertRepository,
    private readonly config: AlertConfigPort,
    private readonly queues: QueueService,
    private readonly events: AlertEvents,
    private readonly metrics: MetricsService,
    private readonly escalation: AlertEscalationService,
    private readonly signer: ActionLinkSigner,
    private readonly logs: LogSearchService,
    private readonly appConfig: AppConfig,
    private readonly forecasts: ForecastingService,
  ) {}

  set deliveryQueue(queue: TypedQueue<AlertDeliveryJob>) {
    this.#delivery = queue;
  }

  onModuleInit(): void {
    // Many jobs at once: those of one tenant are evaluated together in one engine run.
    this.queues.consume<AnomalyJob>(
      ANOMALY_QUEUE,
      (job: Job<AnomalyChange>) => this.handleAnomaly(job.data),
      BATCH_CONCURRENCY,
    );
    this.#timer = setInterval(() => void this.tickAll(Date.now()), TICK_MS);
    this.#timer.unref();
  }

  onModuleDestroy(): void {
    if (this.#timer) clearInterval(this.#timer);
  }

  observe(observer: AlertingObserver): void {
    this.#observers.push(observer);
  }

  async #tell(
    what: string,
    call: (o: AlertingObserver) => Promise<void> | undefined,
  ): Promise<void> {
    for (const o of this.#observers) {
      await call(o)?.catch((err: unknown) =>
        this.#logger.warn(`${what} observer failed: ${String(err)}`),
      );
    }
  }

  /**
   * Matches one anomaly change against the tenant's rules and evaluates what it touches.
   * Changes arriving while a run of their tenant is under way wait for the next run, which takes
   * them all (a group commit: one state load, one set of configuration reads, one save).
   */
  handleAnomaly(change: AnomalyChange, now = Date.now()): Promise<void> {
    let batch = this.#batches.get(change.tenantId);
    if (batch === undefined) {
      batch = { changes: [], waiters: [] };
      this.#batches.set(change.tenantId, batch);
    }
    batch.changes.push(change);
    const done = new Promise<void>((resolve, reject) => batch.waiters.push({ resolve, reject }));
    if (!this.#running.has(change.tenantId)) void this.#drain(change.tenantId, now);
    return done.then(() => this.#tell('anomaly', (o) => o.anomalyChanged?.(change)));
  }

  async #drain(tenantId: string, now: number): Promise<void> {
    this.#running.add(tenantId);
    try {
      for (;;) {
        const batch = this.#batches.get(tenantId);
        if (batch === undefined || batch.changes.length === 0) return;
        this.#batches.delete(tenantId);
        try {
          await this.#evaluateChanges(tenantId, batch.changes, Math.max(now, Date.now()));
          for (const w of batch.waiters) w.resolve();
        } catch (err) {
          for (const w of batch.waiters) w.reject(err);
        }
      }
    } finally {
      this.#running.delete(tenantId);
    }
  }

  async #evaluateChanges(tenantId: string, changes: AnomalyChange[], now: number): Promise<void> {
    const rules = await this.config.enabledRules(tenantId);
    const weights = new PatternWeights(await this.repo.feedbackCounts(tenantId));
    const matched = changes.map((c) => ({
      c,
      rules: rules.filter((r) => ruleMatches(r, c, weights)),
    }));
    if (matched.every((m) => m.rules.length === 0)) return;
    await this.#run(
      tenantId,
      now,
      async (engine) => {
        for (const { c, rules: hits } of matched) {
          for (const rule of hits) {
            const labels: Record<string, string> = {
              alertname: rule.name,
              service: c.service,
              severity: rule.severity,
              anomaly_kind: c.kind,
              ...rule.labels,
            };
            await engine.evaluate(rule, {
              labels,
              identity: c.anomalyId,
              active: c.status === 'open',
              startsAt: Date.parse(c.startedAt),
              explanation: c.explanation,
              anomalyId: c.anomalyId,
              patternIds: c.patternIds,
            });
          }
        }
      },
      rules,
    );
  }

  /**
   * Evaluates the log-query rules of every tenant: the count of each rule's filter over its
   * trailing window against its threshold (an alert per rule, active while the comparison
   * holds). Runs on the scheduler's tick every QUERY_EVERY_MS.
   */
  async evaluateQueries(now: number): Promise<void> {
    for (const tenantId of await this.repo.queryRuleTenants()) {
      const all = await this.config.enabledRules(tenantId);
      const rules = all.filter((r) => r.condition.kind === 'log_query');
      const results: Array<{ rule: AlertRuleRow; count: number; active: boolean }> = [];
      for (const rule of rules) {
        const c = rule.condition as Extract<AlertRuleRow['condition'], { kind: 'log_query' }>;
        const count = await this.logs.count(tenantId, {
          query: c.query,
          services: c.services ?? null,
          from: new Date(now - c.windowMs),
          to: new Date(now),
        });
        results.push({ rule, count, active: compare(count, c.op, c.threshold) });
      }
      const forecasts = await this.#forecastResults(
        tenantId,
        all.filter((r) => r.condition.kind === 'forecast'),
        now,
      );
      await this.#run(
        tenantId,
        now,
        async (engine) => {
          for (const { rule, count, active } of results) {
            const c = rule.condition as Extract<AlertRuleRow['condition'], { kind: 'log_query' }>;
            await engine.evaluate(rule, {
              labels: {
                alertname: rule.name,
                severity: rule.severity,
                ...(c.services?.length === 1 ? { service: c.services[0] as string } : {}),
                ...rule.labels,
              },
              identity: 'query',
              active,
              startsAt: now,
              explanation: `${count} records matched \`${c.query}\` in the last ${Math.round(c.windowMs / 1000)} s (alert when ${c.op} ${c.threshold})`,
            });
          }
          for (const f of forecasts) {
            await engine.evaluate(f.rule, {
              labels: {
                alertname: f.rule.name,
                severity: f.rule.severity,
                service: f.service,
                metric: f.metric,
                ...f.rule.labels,
              },
              identity: 'forecast',
              active: f.explanation !== null,
              startsAt: now,
              explanation: f.explanation ?? 'no longer predicted to cross its threshold',
            });
          }
        },
        all,
      );
    }
  }

  /**
   * Forecast rules: active while the series' forecast is predicted to cross the threshold within
   * the rule's horizon (explanation: when and at what value); a series too short to forecast is
   * not active.
   */
  async #forecastResults(tenantId: string, rules: AlertRuleRow[], now: number) {
    const out: Array<{
      rule: AlertRuleRow;
      service: string;
      metric: string;
      explanation: string | null;
    }> = [];
    for (const rule of rules) {
      const c = rule.condition as Extract<AlertRuleRow['condition'], { kind: 'forecast' }>;
      let explanation: string | null = null;
      try {
        const point = await this.forecasts.predictedCrossing(tenantId, c, now);
        if (point !== null) {
          const value =
            c.metric === 'error_rate'
              ? `${(point.value * 100).toFixed(1)}%`
              : point.value.toFixed(0);
          const limit =
            c.metric === 'error_rate' ? `${(c.threshold * 100).toFixed(1)}%` : String(c.threshold);
          explanation = `${c.metric.replace('_', ' ')} of ${c.service} is forecast to reach ${value} by ${new Date(point.at).toISOString()} (alert when ${c.op} ${limit} within ${Math.round(c.withinMs / 60_000)} min)`;
        }
      } catch (err) {
        if (!(err instanceof ForecastingError)) throw err;
      }
      out.push({ rule, service: c.service, metric: c.metric, explanation });
    }
    return out;
  }

  /** Sends what is due for every tenant with engine state (the scheduler's tick). */
  async tickAll(now: number): Promise<void> {
    if (this.#ticking) return;
    this.#ticking = true;
    try {
      if (now - this.#queriedAt >= QUERY_EVERY_MS) {
        this.#queriedAt = now;
        await this.evaluateQueries(now).catch((err: unknown) => {
          this.#logger.warn(`log-query rules failed: ${String(err)}`);
        });
      }
      for (const tenantId of await this.repo.engineTenants(now, RECHECK_MS)) {
        await this.#run(tenantId, now, async () => undefined).catch((err: unknown) => {
          this.#logger.warn(`alert evaluation of ${tenantId} failed: ${String(err)}`);
        });
      }
    } catch (err) {
      this.#logger.warn(`alert scheduler failed: ${String(err)}`);
    } finally {
      this.#ticking = false;
    }
  }

  /** Acknowledges alerts (stops repeats and escalation); returns how many changed. */
  async acknowledge(
    tenantId: string,
    target: { fingerprint: string } | { groupKey: string } | { incidentId: string },
    by: string,
    now = Date.now(),
  ): Promise<number> {
    return this.#run(tenantId, now, (engine) => engine.acknowledge(target, by));
  }

  /** Resolves an alert by hand (its condition is treated as gone). */
  async resolve(tenantId: string, fingerprint: string, by: string, now = Date.now()) {
    return this.#run(tenantId, now, (engine) => engine.resolveByHand(fingerprint, by));
  }

  async #run<T>(
    tenantId: string,
    now: number,
    work: (engine: TenantEngine) => Promise<T>,
    knownRules?: AlertRuleRow[],
  ): Promise<T> {
    const jobs: Array<{ id: string }> = [];
    const escalations: Array<{ policyId: string; notice: Omit<AlertNotice, 'id'> }> = [];
    const changed: string[] = [];
    const result = await this.repo.withEngineState(
      tenantId,
      async (tx, stored) => {
        const rules = knownRules ?? (await this.config.enabledRules(tenantId));
        const engine = new TenantEngine(tenantId, now, stored as EngineState | undefined, {
          transientMs: this.appConfig.alertTransientMs,
          rules,
          silences: await this.config.activeSilences(tenantId, now),
          windows: await this.config.maintenanceWindows(tenantId, now),
          inhibitRules: await this.config.inhibitRules(tenantId),
          repo: this.repo,
          tx,
          changed,
          count: (event, muted) => {
            if (event === 'incident') this.metrics.incidentsOpened.inc();
            else this.metrics.alertsFired.inc({ muted: muted ?? 'none' });
          },
          links: (fingerprint, groupKey, title) => {
            const expiresAt = new Date(now + LINK_TTL_MS);
            const base = { tenantId, fingerprint, groupKey, title, expiresAt };
            return {
              ack: this.signer.link({ ...base, kind: 'ack' }),
              notUseful: this.signer.link({ ...base, kind: 'not_useful' }),
            };
          },
        });
        const result = await work(engine);
        await engine.refresh();
        for (const a of engine.acknowledgedNotices()) {
          await this.#queueNotice(tx, a.rule, a.notice, 'acknowledged', jobs);
        }
        for (const n of engine.due()) {
          await this.#queueNotice(tx, n.rule, n.notice, n.kind, jobs);
          const policyId = n.rule.route.policyId;
          if (policyId && n.kind === 'initial' && n.notice.status === 'firing') {
            escalations.push({ policyId, notice: n.notice });
          }
        }
        return { state: engine.toState(), result, nextDueAt: engine.nextDueAt() };
      },
      this.#states,
    );
    for (const job of jobs) {
      await this.#delivery?.add(
        'notification.deliver',
        { tenantId, notificationId: job.id },
        { jobId: job.id },
      );
    }
    for (const e of escalations) await this.escalation.start(tenantId, e.policyId, e.notice);
    if (changed.length > 0) {
      await this.events.changed(tenantId, changed);
      await this.#tell('alerts', (o) => o.alertsChanged?.(tenantId, changed));
    }
    return result;
  }

  async #queueNotice(
    tx: TenantTx,
    rule: AlertRuleRow,
    notice: Omit<AlertNotice, 'id'>,
    kind: string,
    jobs: Array<{ id: string }>,
  ): Promise<void> {
    for (const channelId of rule.route.channelIds) {
      const id = randomUUID();
      await this.repo.insertNotification(tx, {
        id,
        groupKey: notice.groupKey,
        channelId,
        kind,
        status: 'queued',
        attempts: 0,
        lastError: null,
        notice: { ...notice, id },
      });
      await this.repo.addEvents(
        tx,
        notice.alerts.map((a) => ({
          fingerprint: a.fingerprint,
          kind: 'notification',
          details: { channelId, id, kind },
        })),
      );
      jobs.push({ id });
      this.metrics.alertNotifications.inc({ outcome: 'queued' });
    }
  }
}
