import { randomUUID } from 'node:crypto';

import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';

import { MetricsService } from '../../common/metrics/metrics.service';
import { QueueService, type TypedQueue } from '../../common/queues/queue.service';
import type { AnomalyChange, EnsembleAnomaly } from '../../ml/anomaly/anomaly-ensemble';
import { DEFAULT_DETECTORS } from '../../ml/anomaly/default-detectors';
import type { DetectionFeedbackRecord } from '../../ml/anomaly/detection-feedback';
import type { Observation } from '../../ml/anomaly/detector';
import { TenantDetection } from '../../ml/anomaly/tenant-detection';
import type { TemplateMatch } from '../../ml/templates/template-miner';
import { TenantConfigBus } from '../../common/config-bus/tenant-config.bus';
import type { LogRecord } from '../logs/log-record';
import type { AnomalyRow } from './anomaly.repository';
import { AnomalyRepository } from './anomaly.repository';
import { type AnomalyEvent, AnomalyEvents } from './anomaly-events.service';
import { type ResolvedSettings, resolveSettings } from './detection-settings';
import { DetectionError } from './detection.errors';
import { ANOMALY_QUEUE, type AnomalyJob } from './detection.jobs';

/** How often event time is advanced for tenants without traffic (silences are noticed). */
const TICK_MS = 1000;
/** How often the detectors of tenants that saw records are checkpointed. */
const CHECKPOINT_MS = 60_000;
/** A record stamped further in the future than this is treated as arriving now. */
const MAX_FUTURE_MS = 60_000;

interface TenantRuntime {
  settings: ResolvedSettings;
  detection: TenantDetection;
  /** Wall-clock time the event clock last moved with a record. */
  wallAt: number;
  /** Records seen since the last checkpoint. */
  dirty: boolean;
  /** Writes of anomaly changes, in order. */
  writes: Promise<void>;
}

/**
 * Runs the anomaly detectors on the live pipeline: ingest hands every stored record over (as an
 * Observation) right after its commit; each tenant's TenantDetection (src/ml/anomaly) turns them
 * into anomaly changes, which are stored in Postgres, published to `anomalyDetected` subscribers
 * on every replica and queued for alerting, in that order. A timer moves each tenant's event time
 * on while no records arrive, so a service that goes silent is noticed, and checkpoints the
 * detectors so a restart keeps what they learned.
 *
 * Each replica detects on the records it ingests; detector state is per replica (its checkpoint
 * is the tenant's last writer's).
 */
@Injectable()
export class AnomalyDetectionService
  implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown
{
  readonly #logger = new Logger(AnomalyDetectionService.name);
  readonly #tenants = new Map<string, TenantRuntime>();
  readonly #loading = new Map<string, Promise<TenantRuntime | null>>();
  readonly #unlisten: Array<() => void> = [];
  #queue: TypedQueue<AnomalyJob> | null = null;
  #tick: NodeJS.Timeout | null = null;
  #checkpoint: NodeJS.Timeout | null = null;

  constructor(
    private readonly repo: AnomalyRepository,
    private readonly events: AnomalyEvents,
    private readonly queues: QueueService,
    private readonly bus: TenantConfigBus,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.#queue = this.queues.register<AnomalyJob>({
      name: ANOMALY_QUEUE,
      jobOptions: { removeOnComplete: { count: 10_000 }, removeOnFail: { count: 10_000 } },
    });
    this.#unlisten.push(
      this.bus.listen('detection_settings', {
        changed: (tenantId) => void this.#reloadSettings(tenantId),
        resync: () => {
          for (const tenantId of this.#tenants.keys()) void this.#reloadSettings(tenantId);
        },
      }),
      this.bus.listen('detection_reset', {
        changed: (tenantId) => this.forgetTenant(tenantId),
        resync: () => undefined,
      }),
    );
    this.#tick = setInterval(() => this.tick(Date.now()), TICK_MS);
    this.#tick.unref();
    this.#checkpoint = setInterval(() => void this.checkpoint(), CHECKPOINT_MS);
    this.#checkpoint.unref();
  }

  /**
   * Loads the tenant's settings and detector checkpoint once; ingest awaits it. Resolves false
   * when detection is off for the tenant.
   */
  async prepare(tenantId: string): Promise<boolean> {
    if (this.#tenants.has(tenantId)) return this.#tenants.get(tenantId)!.settings.enabled;
    let loading = this.#loading.get(tenantId);
    if (loading === undefined) {
      loading = this.#load(tenantId).finally(() => this.#loading.delete(tenantId));
      this.#loading.set(tenantId, loading);
    }
    return (await loading)?.settings.enabled ?? false;
  }

  /** The Observation of a stored record (null while detection is off for its tenant). */
  observation(
    record: LogRecord,
    mined: Pick<TemplateMatch, 'template' | 'isNew'>,
    receivedAt: number,
  ): Observation | null {
    const runtime = this.#tenants.get(record.tenantId);
    if (runtime === undefined || !runtime.settings.enabled) return null;
    const params = record.patternParams ?? [];
    return {
      logId: record.id,
      service: record.service || record.dataset,
      at: Math.min(record.timestamp, receivedAt + MAX_FUTURE_MS),
      severityNumber: record.severityNumber,
      patternId: record.patternId ?? '',
      template: mined.template,
      newPattern: mined.isNew,
      params,
      sessionKey: runtime.settings.sessionKeyOf(record, params),
    };
  }

  /** Feeds the records a commit stored; anomaly changes are written and published after. */
  observe(tenantId: string, observations: readonly Observation[]): void {
    const runtime = this.#tenants.get(tenantId);
    if (runtime === undefined || observations.length === 0) return;
    const changes: AnomalyChange[] = [];
    const before = runtime.detection.clock;
    for (const o of observations) runtime.detection.observe(o, changes);
    if (runtime.detection.clock > before) runtime.wallAt = Date.now();
    runtime.dirty = true;
    if (changes.length > 0) this.#emit(tenantId, runtime, changes);
  }

  /**
   * Takes a person's verdict on what a detector raised: later candidates of its key (detector,
   * service, pattern) face a shifted open score or are muted. Kept while detection is off, and
   * saved with the next checkpoint.
   */
  async applyFeedback(tenantId: string, feedback: DetectionFeedbackRecord): Promise<void> {
    await this.prepare(tenantId);
    const runtime = this.#tenants.get(tenantId);
    // Forgotten while loading (an erasure reset the tenant's detectors): the verdict goes too.
    if (runtime === undefined) return;
    try {
      runtime.detection.applyFeedback(feedback);
    } catch (err) {
      if (err instanceof RangeError || err instanceof TypeError) {
        throw new DetectionError('INVALID_ARGUMENT', err.message, { cause: err });
      }
      throw err;
    }
    runtime.dirty = true;
  }

  /**
   * Reports an anomaly raised outside the detectors (a forecast's `trend` warning): stored,
   * published to subscribers and queued for alerting like the ensemble's, after the tenant's
   * earlier changes. Its id is the reporter's, so later reports of it update or resolve it.
   */
  async report(tenantId: string, change: AnomalyChange): Promise<void> {
    await this.prepare(tenantId);
    const runtime = this.#tenants.get(tenantId);
    if (runtime === undefined) return;
    this.#emit(tenantId, runtime, [change]);
    await runtime.writes;
  }

  /** Moves every tenant's event time on by the wall time that passed since its last record. */
  tick(now: number): void {
    for (const [tenantId, runtime] of this.#tenants) {
      if (runtime.detection.clock === 0 || now <= runtime.wallAt) continue;
      const changes: AnomalyChange[] = [];
      const elapsed = now - runtime.wallAt;
      runtime.wallAt = now;
      runtime.detection.advance(runtime.detection.clock + elapsed, changes);
      if (changes.length > 0) this.#emit(tenantId, runtime, changes);
    }
  }

  /** Saves the detectors of tenants that saw records since the last checkpoint. */
  async checkpoint(): Promise<void> {
    for (const [tenantId, runtime] of this.#tenants) {
      if (!runtime.dirty) continue;
      runtime.dirty = false;
      try {
        await this.repo.saveState(tenantId, runtime.detection.toState());
      } catch (err) {
        runtime.dirty = true;
        this.#logger.warn(`detector checkpoint of ${tenantId} failed: ${String(err)}`);
      }
    }
  }

  /** Resolves once every anomaly change so far is stored, published and queued. */
  async settled(tenantId: string): Promise<void> {
    await this.#tenants.get(tenantId)?.writes;
  }

  /** Drops the tenant's in-memory detectors (erasure); they are rebuilt from storage on use. */
  forgetTenant(tenantId: string): void {
    this.#tenants.delete(tenantId);
  }

  /** Erasure on every replica: each forgets the tenant's detectors. */
  async resetTenant(tenantId: string): Promise<void> {
    await this.bus.publish('detection_reset', tenantId);
  }

  /** Tells every replica (this one at once) that the tenant's settings changed. */
  async settingsChanged(tenantId: string): Promise<void> {
    await this.bus.publish('detection_settings', tenantId);
    await this.#reloadSettings(tenantId);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.#stopTimers();
    await Promise.all([...this.#tenants.values()].map((r) => r.writes));
    await this.checkpoint();
  }

  onModuleDestroy(): void {
    this.#stopTimers();
    for (const unlisten of this.#unlisten.splice(0)) unlisten();
  }

  #stopTimers(): void {
    if (this.#tick) clearInterval(this.#tick);
    if (this.#checkpoint) clearInterval(this.#checkpoint);
  }

  async #load(tenantId: string): Promise<TenantRuntime | null> {
    const [rows, state] = await Promise.all([
      this.repo.loadSettings(tenantId),
      this.repo.loadState(tenantId),
    ]);
    const settings = resolveSettings(rows);
    let detection: TenantDetection;
    try {
      detection = new TenantDetection(
        settings.config,
        DEFAULT_DETECTORS,
        randomUUID,
        state ?? undefined,
      );
    } catch (err) {
      // A checkpoint that no longer restores is relearned rather than blocking the tenant.
      this.#logger.warn(`detector checkpoint of ${tenantId} ignored: ${String(err)}`);
      detection = new TenantDetection(settings.config, DEFAULT_DETECTORS, randomUUID);
    }
    const runtime: TenantRuntime = {
      settings,
      detection,
      wallAt: Date.now(),
      dirty: false,
      writes: Promise.resolve(),
    };
    this.#tenants.set(tenantId, runtime);
    return runtime;
  }

  async #reloadSettings(tenantId: string): Promise<void> {
    const runtime = this.#tenants.get(tenantId);
    if (runtime === undefined) return;
    try {
      const settings = resolveSettings(await this.repo.loadSettings(tenantId));
      const changes: AnomalyChange[] = [];
      runtime.settings = settings;
      runtime.detection.reconfigure(settings.config, changes);
      if (!settings.enabled) runtime.detection.resolveAll(changes);
      if (changes.length > 0) this.#emit(tenantId, runtime, changes);
    } catch (err) {
      this.#logger.warn(`reloading the detection settings of ${tenantId} failed: ${String(err)}`);
    }
  }

  /** Stores, publishes and queues changes, after the tenant's earlier ones. */
  #emit(tenantId: string, runtime: TenantRuntime, changes: readonly AnomalyChange[]): void {
    for (const c of changes) {
      this.metrics.anomalyChanges.inc({ type: c.type, kind: c.anomaly.kind });
    }
    runtime.writes = runtime.writes
      .then(() => this.#deliver(tenantId, changes))
      .catch((err: unknown) => {
        this.#logger.error(`anomaly changes of ${tenantId} were not delivered: ${String(err)}`);
      });
  }

  async #deliver(tenantId: string, changes: readonly AnomalyChange[]): Promise<void> {
    const latest = new Map<string, EnsembleAnomaly>();
    for (const c of changes) latest.set(c.anomaly.id, c.anomaly);
    await this.repo.upsert(tenantId, [...latest.values()]);
    const now = Date.now();
    const events: AnomalyEvent[] = changes.map((c) => ({
      id: `${c.anomaly.id}:${c.type}:${c.anomaly.candidates}`,
      type: c.type,
      anomaly: toRow(c.anomaly, now),
    }));
    await this.events.publish(tenantId, events);
    const queue = this.#queue;
    if (queue === null) return;
    for (const c of changes) {
      const a = c.anomaly;
      await queue.add(
        'anomaly.changed',
        {
          tenantId,
          anomalyId: a.id,
          type: c.type,
          service: a.service,
          kind: a.kind,
          kinds: a.kinds,
          score: a.score,
          status: a.status,
          startedAt: new Date(a.from).toISOString(),
          endedAt: a.to === null ? null : new Date(a.to).toISOString(),
          detectedAt: new Date(a.detectedAt).toISOString(),
          explanation: a.explanation,
          patternIds: a.evidence.patternIds,
        },
        { jobId: `${a.id}-${c.type}-${a.candidates}` },
      );
    }
  }
}

/** An ensemble anomaly as stored and shown. */
export function toRow(a: EnsembleAnomaly, updatedAt: number): AnomalyRow {
  return {
    id: a.id,
    service: a.service,
    kind: a.kind,
    kinds: a.kinds,
    score: a.score,
    status: a.status,
    startedAt: a.from,
    endedAt: a.to,
    detectedAt: a.detectedAt,
    lastActivity: a.lastActivity,
    explanation: a.explanation,
    evidence: a.evidence,
    subjects: a.subjects,
    candidates: a.candidates,
    updatedAt,
  };
}
