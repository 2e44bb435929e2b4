import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { isUuid } from '../../common/ids/uuid';
import { AppConfig } from '../../config/app-config';
import { categoryNames } from '../../ml/classify/taxonomy';
import { feedbackForAnomaly } from '../../ml/anomaly/feedback-keys';
import { ClassificationError } from '../classification/classification.errors';
import { ClassificationService } from '../classification/classification.service';
import { ModelRegistryService } from '../classification/model-registry.service';
import { AnomalyCatalogService } from '../detection/anomaly-catalog.service';
import { AnomalyDetectionService } from '../detection/anomaly-detection.service';
import { LogSearchService } from '../logs/log-search.service';
import { PatternCatalogService } from '../patterns/pattern-catalog.service';
import type { Principal } from '../tenancy/principal';
import {
  type AnomalyVerdict,
  type FeedbackRow,
  FeedbackRepository,
  type FeedbackSubject,
  type FeedbackTarget,
} from './feedback.repository';
import { TrainingService } from './training.service';

/** What a person can say about a log or a pattern. */
export interface LabelInput {
  category?: string | null;
  severity?: string | null;
  /** "This is noise": stored as the `routine` category unless one is given. */
  noise?: boolean | null;
}

const SEVERITIES = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/**
 * People's feedback: a category (and severity) for a log or a pattern, a verdict (and category)
 * on an anomaly. Each label is kept with who gave it and when; a new label on the same target
 * is its next version. What was labelled is copied with the label, so training never depends
 * on logs still being retained. Category labels count towards the next retraining; verdicts on
 * anomalies go straight to detection, which raises or lowers its thresholds for that pattern.
 */
@Injectable()
export class FeedbackService {
  constructor(
    private readonly repo: FeedbackRepository,
    private readonly classification: ClassificationService,
    private readonly registry: ModelRegistryService,
    private readonly logs: LogSearchService,
    private readonly patterns: PatternCatalogService,
    private readonly anomalies: AnomalyCatalogService,
    private readonly detection: AnomalyDetectionService,
    private readonly training: TrainingService,
    private readonly config: AppConfig,
  ) {}

  async labelLog(principal: Principal, id: string, input: LabelInput): Promise<FeedbackRow> {
    if (!isUuid(id)) throw new ClassificationError('NOT_FOUND', `no log ${id}`);
    const [record] = await this.logs.recent(principal.tenantId, { query: `id:${id}` }, 1);
    if (!record) throw new ClassificationError('NOT_FOUND', `no log ${id}`);
    return this.#label(principal, 'log', id, input, {
      message: record.body,
      service: record.service,
      severity: record.severityText,
      ...(record.patternId ? { patternId: record.patternId } : {}),
    });
  }

  async labelPattern(principal: Principal, id: string, input: LabelInput): Promise<FeedbackRow> {
    const pattern = await this.patterns.get(principal.tenantId, id);
    if (!pattern) throw new ClassificationError('NOT_FOUND', `no pattern ${id}`);
    return this.#label(principal, 'pattern', pattern.id, input, {
      message: pattern.examples[0] ?? pattern.template,
      template: pattern.template,
      service: pattern.service,
      patternId: pattern.id,
    });
  }

  /**
   * A verdict on an anomaly: recorded, and handed to detection for each of its detector kinds
   * and patterns (false positives and noise raise thresholds, confirmed ones lower them).
   */
  async labelAnomaly(
    principal: Principal,
    id: string,
    verdict: AnomalyVerdict,
    category: string | null,
  ): Promise<FeedbackRow> {
    const anomaly = isUuid(id) ? await this.anomalies.get(principal.tenantId, id) : null;
    if (!anomaly) throw new ClassificationError('NOT_FOUND', `no anomaly ${id}`);
    const patternIds = anomaly.evidence.patternIds ?? [];
    const row = await this.#label(
      principal,
      'anomaly',
      id,
      { category },
      {
        service: anomaly.service,
        kinds: anomaly.kinds,
        patternIds,
        explanation: anomaly.explanation,
        message: anomaly.evidence.templates?.[0] ?? anomaly.explanation,
      },
      verdict,
    );
    // The verdict lands on the keys detection looks candidates up by (detector, service, pattern).
    for (const f of feedbackForAnomaly(anomaly, verdict, Date.now())) {
      await this.detection.applyFeedback(principal.tenantId, f);
    }
    return row;
  }

  /** Every label and version, newest first. */
  list(
    tenantId: string,
    q: { targetKind?: FeedbackTarget | null; targetId?: string | null; current?: boolean },
    first: number,
    offset: number,
  ): Promise<FeedbackRow[]> {
    return this.repo.transaction(tenantId, (tx) => this.repo.list(tx, q, first, offset));
  }

  async #label(
    principal: Principal,
    targetKind: FeedbackTarget,
    targetId: string,
    input: LabelInput,
    subject: FeedbackSubject,
    verdict: AnomalyVerdict | null = null,
  ): Promise<FeedbackRow> {
    const taxonomy = await this.classification.taxonomy(principal.tenantId);
    let category = input.category ?? (input.noise ? 'routine' : null);
    if (category !== null) {
      category = category.trim().toLowerCase();
      if (!categoryNames(taxonomy).includes(category)) {
        throw new ClassificationError(
          'INVALID_ARGUMENT',
          `category must be one of ${categoryNames(taxonomy).join(', ')}`,
        );
      }
    }
    const severity = input.severity?.trim().toLowerCase() ?? null;
    if (severity !== null && !SEVERITIES.includes(severity)) {
      throw new ClassificationError(
        'INVALID_ARGUMENT',
        `severity must be one of ${SEVERITIES.join(', ')}`,
      );
    }
    if (category === null && severity === null && verdict === null) {
      throw new ClassificationError(
        'INVALID_ARGUMENT',
        'say something: a category, a severity or noise',
      );
    }
    const row = await this.repo.transaction(principal.tenantId, (tx) =>
      this.repo.add(tx, {
        id: randomUUID(),
        targetKind,
        targetId,
        category,
        severity,
        verdict,
        subject: severity !== null ? { ...subject, severity } : subject,
        givenBy: principal.label ?? principal.subjectId,
      }),
    );
    if (category !== null) await this.#maybeRetrain(principal.tenantId);
    return row;
  }

  /** Queues a retraining once RETRAIN_AFTER_LABELS category labels arrived since the last model. */
  async #maybeRetrain(tenantId: string): Promise<void> {
    const [latest] = await this.registry.list(tenantId, 1);
    const since = latest?.createdAt ?? null;
    const fresh = await this.repo.transaction(tenantId, (tx) =>
      this.repo.categoryLabelsSince(tx, since),
    );
    if (fresh >= this.config.learning.retrainAfterLabels) {
      await this.training.queue(tenantId, 'feedback');
    }
  }
}
