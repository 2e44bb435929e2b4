import {
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';

import { MetricsService } from '../../common/metrics/metrics.service';
import type { ClassifierInput, Prediction } from '../../ml/classify/classifier-types';
import { LogClassifier } from '../../ml/classify/log-classifier';
import { DEFAULT_TAXONOMY, type Taxonomy, validateTaxonomy } from '../../ml/classify/taxonomy';
import { weakLabel } from '../../ml/classify/weak-labels';
import { TenantConfigBus } from '../../common/config-bus/tenant-config.bus';
import type { LogRecord } from '../logs/log-record';
import { ModelRepository } from './model.repository';

/** Classifications kept per tenant (pattern × severity); the oldest go first. */
const MAX_CACHED = 50_000;

/** How often shadow statistics are added to the registry. */
const SHADOW_FLUSH_MS = 15_000;

/** A served model version. */
interface Served {
  id: string;
  version: number;
  model: LogClassifier;
}

/** A shadow version's live statistics not yet written to the registry. */
interface PendingShadow {
  predictions: number;
  agreements: number;
  categories: Record<string, number>;
}

/** One tenant's models in memory. */
interface TenantModels {
  taxonomy: Taxonomy;
  active: Served | null;
  shadow: Served | null;
  /** `patternId \0 severity` → the classification every record of that key gets. */
  cache: Map<string, { category: string; confidence: number }>;
  pending: PendingShadow;
}

/** What the rest of Vigil sees of a classification. */
export interface Classification {
  category: string;
  confidence: number;
  /** Which served it: the active model's version, or 0 for the taxonomy's rules. */
  version: number;
}

/**
 * Serves each tenant's classifier on the ingest path: every record gets a `category` and its
 * confidence. The first record of a pattern (per severity) is classified by the active model
 * (or, before any model is active, by the taxonomy's rules), and the pattern's later records
 * reuse that answer, so the hot path is a map lookup; the model sees the record's text, whose
 * variables its tokenizer masks, so the pattern determines the answer. A shadow version, when
 * there is one, classifies the same first records beside the active one, and how often the two
 * agree is added to its registry row. A change in the registry (training, promotion, rollback,
 * taxonomy) reaches every replica through the tenant-config bus and swaps the models in place.
 */
@Injectable()
export class ClassificationService implements OnModuleInit, OnModuleDestroy, OnApplicationShutdown {
  readonly #logger = new Logger(ClassificationService.name);
  readonly #tenants = new Map<string, TenantModels>();
  readonly #loading = new Map<string, Promise<TenantModels>>();
  readonly #unlisten: Array<() => void> = [];
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly repo: ModelRepository,
    private readonly bus: TenantConfigBus,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.#unlisten.push(
      this.bus.listen('classifier_models', {
        changed: (tenantId) => void this.reload(tenantId),
        resync: () => {
          for (const tenantId of this.#tenants.keys()) void this.reload(tenantId);
        },
      }),
    );
    this.#timer = setInterval(() => void this.flushShadowStats(), SHADOW_FLUSH_MS);
    this.#timer.unref();
  }

  onModuleDestroy(): void {
    for (const off of this.#unlisten) off();
    if (this.#timer) clearInterval(this.#timer);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flushShadowStats();
  }

  /** Loads the tenant's taxonomy and served models once; ingest awaits it before classifying. */
  async prepare(tenantId: string): Promise<void> {
    await this.#models(tenantId);
  }

  /**
   * Sets the record's category and confidence (after pattern mining, before it is encoded).
   * Synchronous; a tenant not prepared is left unclassified.
   */
  classify(record: LogRecord): void {
    const t = this.#tenants.get(record.tenantId);
    if (t === undefined) return;
    const key = record.patternId ? `${record.patternId}\u0000${record.severityText}` : null;
    let c = key === null ? undefined : t.cache.get(key);
    if (c === undefined) {
      const input: ClassifierInput = {
        message: record.body,
        severity: record.severityText,
        service: record.service,
        ...(record.patternId ? { patternId: record.patternId } : {}),
      };
      c = this.#predict(t, input);
      if (key !== null) {
        t.cache.set(key, c);
        if (t.cache.size > MAX_CACHED) t.cache.delete(t.cache.keys().next().value as string);
      }
      this.metrics.classifications.inc({ source: t.active ? 'model' : 'rules' });
    } else {
      this.metrics.classifications.inc({ source: 'cached' });
    }
    record.category = c.category;
    record.categoryConfidence = c.confidence;
  }

  /** Classifies a text with the tenant's active model (or its rules), with every probability. */
  async predict(
    tenantId: string,
    input: ClassifierInput,
  ): Promise<Prediction & { version: number }> {
    const t = await this.#models(tenantId);
    if (t.active) return { ...t.active.model.predict(input), version: t.active.version };
    const { category, confidence } = ruleGuess(t.taxonomy, input);
    const names = t.taxonomy.categories.map((c) => c.name);
    // Without a model, the rules' strength is the confidence; the rest is spread evenly.
    const rest = names.length > 1 ? (1 - confidence) / (names.length - 1) : 0;
    const probabilities = Object.fromEntries(
      names.map((n) => [n, n === category ? confidence : rest]),
    );
    return { category, confidence, probabilities, version: 0 };
  }

  /** The tenant's active model (a copy is not made: callers only read it). */
  async activeModel(tenantId: string): Promise<{ id: string; model: LogClassifier } | null> {
    const t = await this.#models(tenantId);
    return t.active ? { id: t.active.id, model: t.active.model } : null;
  }

  async taxonomy(tenantId: string): Promise<Taxonomy> {
    return (await this.#models(tenantId)).taxonomy;
  }

  /** Reloads a tenant's taxonomy and models from the registry (a change was announced). */
  async reload(tenantId: string): Promise<void> {
    if (!this.#tenants.has(tenantId) && !this.#loading.has(tenantId)) return;
    try {
      const fresh = await this.#load(tenantId);
      const old = this.#tenants.get(tenantId);
      if (old && old.shadow && fresh.shadow?.id === old.shadow.id) fresh.pending = old.pending;
      else if (old) await this.#flushOne(tenantId, old);
      this.#tenants.set(tenantId, fresh);
    } catch (err) {
      this.#logger.warn(`reloading the models of ${tenantId} failed: ${String(err)}`);
    }
  }

  /** Forgets a tenant's models (its data was erased). */
  forgetTenant(tenantId: string): void {
    this.#tenants.delete(tenantId);
    this.#loading.delete(tenantId);
  }

  /** Adds what shadow versions did since the last flush to their registry rows. */
  async flushShadowStats(): Promise<void> {
    for (const [tenantId, t] of this.#tenants) await this.#flushOne(tenantId, t);
  }

  async #flushOne(tenantId: string, t: TenantModels): Promise<void> {
    if (t.shadow === null || t.pending.predictions === 0) return;
    const pending = t.pending;
    t.pending = { predictions: 0, agreements: 0, categories: {} };
    try {
      await this.repo.addShadowStats(tenantId, t.shadow.id, pending);
    } catch (err) {
      this.#logger.warn(`shadow statistics of ${tenantId} were lost: ${String(err)}`);
    }
  }

  #predict(t: TenantModels, input: ClassifierInput): { category: string; confidence: number } {
    let c: { category: string; confidence: number };
    if (t.active) {
      const p = t.active.model.predict(input);
      c = { category: p.category, confidence: p.confidence };
    } else {
      c = ruleGuess(t.taxonomy, input);
    }
    if (t.shadow) {
      const s = t.shadow.model.predict(input);
      t.pending.predictions++;
      if (s.category === c.category) t.pending.agreements++;
      t.pending.categories[s.category] = (t.pending.categories[s.category] ?? 0) + 1;
    }
    return c;
  }

  #models(tenantId: string): Promise<TenantModels> {
    const ready = this.#tenants.get(tenantId);
    if (ready) return Promise.resolve(ready);
    let loading = this.#loading.get(tenantId);
    if (loading === undefined) {
      loading = this.#load(tenantId)
        .then((t) => {
          this.#tenants.set(tenantId, t);
          return t;
        })
        .finally(() => this.#loading.delete(tenantId));
      this.#loading.set(tenantId, loading);
    }
    return loading;
  }

  async #load(tenantId: string): Promise<TenantModels> {
    const [stored, serving] = await Promise.all([
      this.repo.taxonomy(tenantId),
      this.repo.serving(tenantId),
    ]);
    const taxonomy = stored === null ? DEFAULT_TAXONOMY : validateTaxonomy(stored);
    const served = (status: 'active' | 'shadow'): Served | null => {
      const row = serving.find((s) => s.status === status);
      return row
        ? { id: row.id, version: row.version, model: LogClassifier.fromState(row.state) }
        : null;
    };
    return {
      taxonomy,
      active: served('active'),
      shadow: served('shadow'),
      cache: new Map(),
      pending: { predictions: 0, agreements: 0, categories: {} },
    };
  }
}

/** What the taxonomy's rules say before a model exists: their category (routine when none fires). */
function ruleGuess(
  taxonomy: Taxonomy,
  input: ClassifierInput,
): { category: string; confidence: number } {
  const guess = weakLabel(input, taxonomy);
  return { category: guess?.category ?? 'routine', confidence: guess?.strength ?? 0 };
}
