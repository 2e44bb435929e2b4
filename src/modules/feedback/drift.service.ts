import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { AppConfig } from '../../config/app-config';
import type { ClassifierInput } from '../../ml/classify/classifier-types';
import { driftedServices, type ServiceDrift } from '../../ml/drift/drift';
import { ClassificationService } from '../classification/classification.service';
import { ModelRegistryService } from '../classification/model-registry.service';
import type { TrainingProfile } from '../classification/model.repository';
import { PatternCatalogService } from '../patterns/pattern-catalog.service';
import { ModelDriftEvents } from './model-drift.events';

/** Patterns a profile counts per period (the busiest; the tail hardly moves a distribution). */
const PROFILE_PATTERNS = 500;

/** The recent period compared with the training profile. */
export const DRIFT_WINDOW_MS = 3_600_000;

/**
 * Drift of what the classifier sees: per service, the mix of patterns and the mix of categories
 * the active model gives them, over the last DRIFT_WINDOW_MS against the profile recorded when
 * the model was trained, by Jensen–Shannon divergence. A service beyond DRIFT_THRESHOLD raises
 * a `modelDrift` event, is written to the registry's history, and queues a retraining.
 */
@Injectable()
export class DriftService {
  constructor(
    private readonly patterns: PatternCatalogService,
    private readonly classification: ClassificationService,
    private readonly registry: ModelRegistryService,
    private readonly events: ModelDriftEvents,
    private readonly config: AppConfig,
  ) {}

  /** Per-service pattern and category counts over [from, to), categories by `predict`. */
  async profile(
    tenantId: string,
    predict: (input: ClassifierInput) => string,
    from: Date,
    to: Date,
  ): Promise<TrainingProfile> {
    const page = await this.patterns.list(tenantId, { from, to }, PROFILE_PATTERNS, null);
    const services: TrainingProfile['services'] = {};
    for (const p of page.patterns) {
      if (p.rangeCount <= 0) continue;
      const s = (services[p.service] ??= { patterns: {}, categories: {} });
      s.patterns[p.id] = (s.patterns[p.id] ?? 0) + p.rangeCount;
      const category = predict({
        message: p.examples[0] ?? p.template,
        template: p.template,
        service: p.service,
        patternId: p.id,
      });
      s.categories[category] = (s.categories[category] ?? 0) + p.rangeCount;
    }
    return { from: from.toISOString(), to: to.toISOString(), services };
  }

  /**
   * Compares the last hour with the active model's training profile; returns the drifted
   * services (and, when there are any, records, announces and queues a retraining for them).
   */
  async check(
    tenantId: string,
    now: number,
    retrain: (tenantId: string) => Promise<void>,
  ): Promise<ServiceDrift[]> {
    const active = await this.classification.activeModel(tenantId);
    if (!active) return [];
    const row = await this.registry.get(tenantId, active.id);
    if (!row) return [];
    const current = await this.profile(
      tenantId,
      (input) => active.model.predict(input).category,
      new Date(now - DRIFT_WINDOW_MS),
      new Date(now),
    );
    const drifted = driftedServices(row.profile.services ?? {}, current.services, {
      measure: 'js',
      threshold: this.config.learning.driftThreshold,
    });
    if (drifted.length === 0) return drifted;
    const details = { modelVersion: row.version, services: drifted };
    await this.registry.recordDrift(tenantId, details);
    await this.events.publish(tenantId, {
      id: randomUUID(),
      at: new Date(now).toISOString(),
      modelVersion: row.version,
      services: drifted,
    });
    await retrain(tenantId);
    return drifted;
  }
}
