import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Job } from 'bullmq';

import { QueueService, type TypedQueue } from '../../common/queues/queue.service';
import type { LabelledExample } from '../../ml/classify/classifier-types';
import { buildTrainingSet, trainCandidate, type UnlabelledLine } from '../../ml/classify/training';
import { ClassificationService } from '../classification/classification.service';
import { ModelRegistryService } from '../classification/model-registry.service';
import type { ModelVersionRow } from '../classification/model.repository';
import { PatternCatalogService } from '../patterns/pattern-catalog.service';
import { DriftService } from './drift.service';
import { TRAINING_QUEUE, type TrainingJob, type TrainingReason } from './feedback.jobs';
import { FeedbackRepository } from './feedback.repository';

/** Human labels read per training run (the most recent). */
const MAX_LABELS = 20_000;
/** Patterns of the last week whose examples are weak-labelled. */
const MAX_PATTERNS = 500;
/** A model needs this many examples, of at least two categories, to be worth training. */
const MIN_EXAMPLES = 20;
/** With this many human labels, logistic regression; with fewer, naive Bayes learns faster. */
const LR_FROM_LABELS = 100;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Shadow versions are reviewed this often. */
const REVIEW_EVERY_MS = MINUTE;
/** Drift is checked, and stale models retrained, this often. */
const SCHEDULE_EVERY_MS = HOUR;
/** A model older than this is retrained on schedule (new patterns, new weak labels). */
const RETRAIN_AFTER_MS = 24 * HOUR;

/**
 * Training on the `training` queue: a job per tenant trains a candidate on the tenant's labels
 * plus weak labels of its recent patterns, evaluates it and the active model on the same
 * held-out labels, records the traffic profile it was trained on, and registers it (in shadow
 * when a model is active). Jobs are queued by enough new feedback (FeedbackService), by drift,
 * and by a schedule this service keeps: every minute it reviews shadow versions, every hour it
 * checks drift and retrains models older than a day (or trains a tenant's first one).
 */
@Injectable()
export class TrainingService implements OnModuleInit, OnModuleDestroy {
  readonly #logger = new Logger(TrainingService.name);
  #queue: TypedQueue<TrainingJob> | null = null;
  #timer: NodeJS.Timeout | null = null;
  #lastSchedule = 0;
  #ticking = false;

  constructor(
    private readonly queues: QueueService,
    private readonly feedback: FeedbackRepository,
    private readonly patterns: PatternCatalogService,
    private readonly classification: ClassificationService,
    private readonly registry: ModelRegistryService,
    private readonly drift: DriftService,
  ) {}

  onModuleInit(): void {
    this.#queue = this.queues.register<TrainingJob>({
      name: TRAINING_QUEUE,
      processor: (job: Job<TrainingJob['data']>) => this.train(job.data.tenantId, job.data.reason),
      jobOptions: {
        attempts: 3,
        backoff: { type: 'exponential', delay: 5000 },
        removeOnComplete: true,
        removeOnFail: { count: 1000 },
      },
    });
    this.#timer = setInterval(() => void this.tick(Date.now()), REVIEW_EVERY_MS);
    this.#timer.unref();
  }

  onModuleDestroy(): void {
    if (this.#timer) clearInterval(this.#timer);
  }

  /** Queues a training run for the tenant (one waits at a time). */
  async queue(tenantId: string, reason: TrainingReason): Promise<void> {
    await this.#queue?.add('model.train', { tenantId, reason }, { jobId: `train-${tenantId}` });
  }

  /** The schedule: shadow reviews every tick; drift and stale models every SCHEDULE_EVERY_MS. */
  async tick(now: number): Promise<void> {
    if (this.#ticking) return;
    this.#ticking = true;
    try {
      await this.registry.reviewAll(now);
      if (now - this.#lastSchedule < SCHEDULE_EVERY_MS) return;
      this.#lastSchedule = now;
      for (const tenantId of await this.patterns.activeTenants(new Date(now - 24 * HOUR))) {
        const [latest] = await this.registry.list(tenantId, 1);
        if (!latest || now - latest.createdAt.getTime() > RETRAIN_AFTER_MS) {
          await this.queue(tenantId, 'schedule');
          continue;
        }
        await this.drift.check(tenantId, now, (t) => this.queue(t, 'drift'));
      }
    } catch (err) {
      this.#logger.warn(`the learning schedule failed: ${String(err)}`);
    } finally {
      this.#ticking = false;
    }
  }

  /**
   * Trains and registers a new version; null when there is too little to learn from yet (fewer
   * than MIN_EXAMPLES examples, or a single category).
   */
  async train(
    tenantId: string,
    reason: TrainingReason,
    now = Date.now(),
  ): Promise<ModelVersionRow | null> {
    const taxonomy = await this.classification.taxonomy(tenantId);
    const labels = await this.feedback.transaction(tenantId, (tx) =>
      this.feedback.categoryLabels(tx, MAX_LABELS),
    );
    const human: LabelledExample[] = labels.map((l) => ({
      message: l.subject.message ?? l.subject.template ?? '',
      category: l.category as string,
      ...(l.subject.template ? { template: l.subject.template } : {}),
      ...(l.subject.service ? { service: l.subject.service } : {}),
      ...((l.severity ?? l.subject.severity) ? { severity: l.severity ?? l.subject.severity } : {}),
      ...(l.subject.patternId ? { patternId: l.subject.patternId } : {}),
    }));
    const lines = await this.#recentLines(tenantId, now);
    const set = buildTrainingSet(human, lines, taxonomy);
    if (
      set.examples.length < MIN_EXAMPLES ||
      new Set(set.examples.map((e) => e.category)).size < 2
    ) {
      this.#logger.log(
        `not enough to train a model for ${tenantId} (${set.examples.length} examples)`,
      );
      return null;
    }
    const current = await this.classification.activeModel(tenantId);
    const sameCategories =
      current !== null &&
      current.model.categories.join('\u0000') ===
        taxonomy.categories.map((c) => c.name).join('\u0000');
    const algorithm = set.human >= LR_FROM_LABELS ? 'logistic_regression' : 'naive_bayes';
    const seed = now % 2_147_483_647;
    const candidate = trainCandidate(set, {
      algorithm,
      taxonomy,
      seed,
      current: sameCategories ? current.model : null,
    });
    const profile = await this.drift.profile(
      tenantId,
      (input) => candidate.model.predict(input).category,
      new Date(now - 24 * HOUR),
      new Date(now),
    );
    const oldest = labels.reduce<Date | null>(
      (min, l) => (min === null || l.givenAt < min ? l.givenAt : min),
      null,
    );
    return this.registry.register(tenantId, {
      model: candidate.model,
      metrics: candidate.metrics,
      baseline: candidate.baseline,
      params: {
        algorithm,
        seed,
        categories: candidate.model.categories,
        examples: set.examples.length,
      },
      training: {
        reason,
        humanLabels: set.human,
        weakLabels: set.weak,
        holdout: candidate.holdout,
        from: oldest?.toISOString() ?? null,
        to: new Date(now).toISOString(),
      },
      profile,
    });
  }

  /** Examples of the tenant's patterns of the last week, busiest first, to weak-label. */
  async #recentLines(tenantId: string, now: number): Promise<UnlabelledLine[]> {
    const page = await this.patterns.list(
      tenantId,
      { from: new Date(now - 7 * 24 * HOUR), to: new Date(now) },
      MAX_PATTERNS,
      null,
    );
    return page.patterns.flatMap((p) =>
      (p.examples.length > 0 ? p.examples : [p.template]).map((message) => ({
        message,
        template: p.template,
        service: p.service,
        patternId: p.id,
      })),
    );
  }
}
