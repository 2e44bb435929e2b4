import { randomUUID } from 'node:crypto';

import { Injectable, Logger } from '@nestjs/common';

import { isUuid } from '../../common/ids/uuid';
import { MetricsService } from '../../common/metrics/metrics.service';
import { AppConfig } from '../../config/app-config';
import type { LogClassifier } from '../../ml/classify/log-classifier';
import type { ClassificationReport } from '../../ml/classify/log-classifier';
import { categoryNames, type Taxonomy, validateTaxonomy } from '../../ml/classify/taxonomy';
import { outperforms } from '../../ml/classify/training';
import { systemActor, type AuditActor } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import { TenantConfigBus } from '../../common/config-bus/tenant-config.bus';
import type { Principal } from '../tenancy/principal';
import { ClassificationError } from './classification.errors';
import { ClassificationService } from './classification.service';
import {
  type ModelEventRow,
  ModelRepository,
  type ModelVersionRow,
  type TrainingProfile,
} from './model.repository';

/** A trained model on its way into the registry. */
export interface NewModelVersion {
  model: LogClassifier;
  metrics: ClassificationReport;
  baseline: ClassificationReport | null;
  params: Record<string, unknown>;
  training: ModelVersionRow['training'];
  profile: TrainingProfile;
}

/** What reviewing a shadow version decided. */
export type ShadowDecision = 'promoted' | 'rejected' | 'waiting' | 'none';

/**
 * The model registry: every trained version with its held-out metrics (and those of the model
 * it would replace, on the same examples), training window, parameters and drift profile. A new
 * version runs in shadow beside the active one; `review` promotes it once it has seen enough live
 * traffic and was at least as good on the held-out labels, or rejects it. Admins promote or roll
 * back by hand (audited). Every change is announced on the tenant-config bus, so every replica
 * swaps the served models without a restart.
 */
@Injectable()
export class ModelRegistryService {
  readonly #logger = new Logger(ModelRegistryService.name);

  constructor(
    private readonly repo: ModelRepository,
    private readonly classification: ClassificationService,
    private readonly bus: TenantConfigBus,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
  ) {}

  list(tenantId: string, first: number): Promise<ModelVersionRow[]> {
    return this.repo.transaction(tenantId, (tx) => this.repo.list(tx, first));
  }

  get(tenantId: string, id: string): Promise<ModelVersionRow | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return this.repo.transaction(tenantId, (tx) => this.repo.find(tx, id));
  }

  events(
    tenantId: string,
    kinds: readonly string[] | null,
    first: number,
  ): Promise<ModelEventRow[]> {
    return this.repo.transaction(tenantId, (tx) => this.repo.events(tx, kinds, first));
  }

  /**
   * Registers a trained version: the tenant's first becomes active at once (there is nothing to
   * compare it with); later ones go into shadow, replacing a shadow still under review.
   */
  async register(tenantId: string, v: NewModelVersion): Promise<ModelVersionRow> {
    const row = await this.repo.transaction(tenantId, async (tx) => {
      await this.repo.lock(tx);
      const active = await this.repo.withStatus(tx, 'active');
      const shadow = await this.repo.withStatus(tx, 'shadow');
      if (shadow) {
        await this.repo.setStatus(tx, shadow.id, 'rejected', 'superseded');
        await this.repo.addEvent(tx, 'rejected', shadow.id, { reason: 'superseded' });
      }
      const inserted = await this.repo.insert(tx, {
        id: randomUUID(),
        algorithm: v.model.algorithm,
        status: active ? 'shadow' : 'active',
        metrics: v.metrics,
        baselineMetrics: v.baseline,
        params: v.params,
        training: v.training,
        profile: v.profile,
        state: v.model.toState(),
      });
      await this.repo.addEvent(tx, 'trained', inserted.id, {
        version: inserted.version,
        status: inserted.status,
        reason: v.training.reason,
        macroF1: v.metrics.macroF1,
        baselineMacroF1: v.baseline?.macroF1 ?? null,
      });
      return inserted;
    });
    this.metrics.modelEvents.inc({ kind: 'trained' });
    this.metrics.modelMacroF1.set({ tenant: tenantId, status: row.status }, row.metrics.macroF1);
    await this.#announce(tenantId);
    return row;
  }

  /** An admin promotes a version (shadow or retired) to active; the active one retires. */
  async promote(principal: Principal, id: string): Promise<ModelVersionRow> {
    return this.#activate(principal.tenantId, id, principal, 'promoted');
  }

  /** An admin goes back to the version that was active before the current one. */
  async rollback(principal: Principal): Promise<ModelVersionRow> {
    const tenantId = principal.tenantId;
    const target = await this.repo.transaction(tenantId, async (tx) => {
      const active = await this.repo.withStatus(tx, 'active');
      if (!active) throw new ClassificationError('NOT_FOUND', 'no model is active');
      const previous = await this.repo.previousActive(tx, active.version);
      if (!previous) {
        throw new ClassificationError('NOT_FOUND', 'no earlier model was ever active');
      }
      return previous;
    });
    return this.#activate(tenantId, target.id, principal, 'rolled_back');
  }

  /**
   * Decides on the tenant's shadow version: promoted when it classified at least
   * SHADOW_MIN_PREDICTIONS patterns over at least SHADOW_MIN_SECONDS and was at least as good
   * as the active model on the same held-out labels; rejected when it was worse.
   */
  async review(tenantId: string, now = Date.now()): Promise<ShadowDecision> {
    const shadow = await this.repo.transaction(tenantId, (tx) =>
      this.repo.withStatus(tx, 'shadow'),
    );
    if (!shadow) return 'none';
    const { shadowMinPredictions, shadowMinMs } = this.config.learning;
    if (!outperforms(shadow.metrics, shadow.baselineMetrics)) {
      await this.repo.transaction(tenantId, async (tx) => {
        await this.repo.lock(tx);
        await this.repo.setStatus(tx, shadow.id, 'rejected', 'review');
        await this.repo.addEvent(tx, 'rejected', shadow.id, {
          reason: 'worse on the held-out labels than the active model',
          macroF1: shadow.metrics.macroF1,
          baselineMacroF1: shadow.baselineMetrics?.macroF1 ?? null,
        });
      });
      this.metrics.modelEvents.inc({ kind: 'rejected' });
      await this.#announce(tenantId);
      return 'rejected';
    }
    const seen = shadow.shadowStats.predictions ?? 0;
    if (seen < shadowMinPredictions || now - shadow.createdAt.getTime() < shadowMinMs) {
      return 'waiting';
    }
    await this.#activate(tenantId, shadow.id, systemActor(tenantId, 'model review'), 'promoted');
    return 'promoted';
  }

  /** Reviews every tenant with a shadow version (the training queue's schedule). */
  async reviewAll(now = Date.now()): Promise<void> {
    for (const tenantId of await this.repo.tenantsWithShadow()) {
      await this.review(tenantId, now).catch((err: unknown) => {
        this.#logger.warn(`reviewing the shadow model of ${tenantId} failed: ${String(err)}`);
      });
    }
  }

  /** Records a drift finding in the registry's history. */
  async recordDrift(tenantId: string, details: Record<string, unknown>): Promise<void> {
    await this.repo.transaction(tenantId, async (tx) => {
      const active = await this.repo.withStatus(tx, 'active');
      await this.repo.addEvent(tx, 'drift', active?.id ?? null, details);
    });
    this.metrics.modelEvents.inc({ kind: 'drift' });
  }

  /** The tenant's taxonomy changes: validated, stored, audited; models reload everywhere. */
  async updateTaxonomy(principal: Principal, value: unknown): Promise<Taxonomy> {
    let taxonomy: Taxonomy;
    try {
      taxonomy = validateTaxonomy(value);
    } catch (err) {
      throw new ClassificationError('INVALID_ARGUMENT', (err as Error).message);
    }
    await this.repo.transaction(principal.tenantId, async (tx) => {
      await this.repo.saveTaxonomy(tx, taxonomy, principal.label ?? principal.subjectId);
      await this.audit.record(principal, 'classification_taxonomy.updated', {
        details: { categories: categoryNames(taxonomy) },
        tx,
      });
    });
    await this.#announce(principal.tenantId);
    return taxonomy;
  }

  /**
   * This replica serves the change before the call returns (so a caller's next record sees
   * it); the others reload when the bus tells them.
   */
  async #announce(tenantId: string): Promise<void> {
    await this.classification.reload(tenantId);
    await this.bus.publish('classifier_models', tenantId, { local: false });
  }

  async #activate(
    tenantId: string,
    id: string,
    who: Principal | AuditActor,
    kind: 'promoted' | 'rolled_back',
  ): Promise<ModelVersionRow> {
    if (!isUuid(id)) throw new ClassificationError('NOT_FOUND', `no model version ${id}`);
    const by = 'label' in who && who.label ? who.label : 'system';
    const row = await this.repo.transaction(tenantId, async (tx) => {
      await this.repo.lock(tx);
      const target = await this.repo.find(tx, id);
      if (!target) throw new ClassificationError('NOT_FOUND', `no model version ${id}`);
      if (target.status === 'active') return target;
      const active = await this.repo.withStatus(tx, 'active');
      if (active) await this.repo.setStatus(tx, active.id, 'retired', by);
      const activated = (await this.repo.setStatus(tx, id, 'active', by)) as ModelVersionRow;
      await this.repo.addEvent(tx, kind, id, {
        version: activated.version,
        replaced: active?.version ?? null,
        by,
      });
      await this.audit.record(who, `classifier_model.${kind}`, {
        target: { kind: 'classifier_model', id },
        details: { version: activated.version, replaced: active?.version ?? null },
        tx,
      });
      return activated;
    });
    this.metrics.modelEvents.inc({ kind });
    await this.#announce(tenantId);
    return row;
  }
}
