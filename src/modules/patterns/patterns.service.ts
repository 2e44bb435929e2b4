import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleDestroy,
} from '@nestjs/common';

import { MetricsService } from '../../common/metrics/metrics.service';
import { TemplateMiner } from '../../ml/templates/template-miner';
import { TemplateMinerSet } from '../../ml/templates/template-miner-set';
import type { LogRecord } from '../logs/log-record';
import { PatternAccumulator } from './pattern-accumulator';
import { PatternRepository, type PatternRow } from './pattern.repository';

/** How often summed counts reach the catalogue. */
const FLUSH_MS = 2000;
/** How often changed miners are checkpointed. */
const SNAPSHOT_MS = 30_000;
/** Learned patterns per tenant and service (the miner evicts beyond it). */
const MAX_PATTERNS = 2000;
/**
 * Trees per tenant: records of further services (service names come from shippers and can be
 * anything) share one tree, so a tenant cannot exhaust memory with made-up service names.
 */
export const MAX_TREES_PER_TENANT = 500;
/** The tree records of services beyond MAX_TREES_PER_TENANT are mined in. */
export const OVERFLOW_SERVICE = '(other services)';
/** A parameter is stored with the record cut to this many characters. */
const MAX_STORED_PARAM = 256;

/** What a user decided for a tenant, applied on top of learning. */
interface TenantOverrides {
  /** Merged-away id → the id it reports. */
  merges: Map<string, string>;
}

/**
 * Mines every ingested record into a pattern (one TemplateMiner per tenant and service, or
 * dataset when the service is empty), keeps the catalogue in Postgres (summed in memory, flushed
 * every couple of seconds) and checkpoints the miners so a restart or another replica resumes
 * their learning. A tenant's checkpoints and user decisions are loaded on its first ingest.
 */
@Injectable()
export class PatternsService implements BeforeApplicationShutdown, OnModuleDestroy {
  readonly #logger = new Logger(PatternsService.name);
  readonly #miners = new TemplateMinerSet({ maxPatterns: MAX_PATTERNS });
  readonly #accumulator = new PatternAccumulator();
  readonly #loaded = new Map<string, Promise<void>>();
  readonly #overrides = new Map<string, TenantOverrides>();
  /** Tenant → the services with a tree. */
  readonly #trees = new Map<string, Set<string>>();
  readonly #flushTimer: NodeJS.Timeout;
  readonly #snapshotTimer: NodeJS.Timeout;
  #flushing: Promise<void> | null = null;

  constructor(
    private readonly repo: PatternRepository,
    private readonly metrics: MetricsService,
  ) {
    this.#flushTimer = setInterval(() => void this.flush(), FLUSH_MS);
    this.#flushTimer.unref();
    this.#snapshotTimer = setInterval(() => void this.checkpoint(), SNAPSHOT_MS);
    this.#snapshotTimer.unref();
  }

  /** Loads the tenant's checkpoints and user decisions once; ingest awaits it before mining. */
  prepare(tenantId: string): Promise<void> {
    let loading = this.#loaded.get(tenantId);
    if (loading === undefined) {
      loading = this.#load(tenantId).catch((err: unknown) => {
        this.#loaded.delete(tenantId);
        throw err;
      });
      this.#loaded.set(tenantId, loading);
    }
    return loading;
  }

  /** Mines a record's body: sets its patternId and parameters and counts it. Synchronous. */
  assign(record: LogRecord): void {
    const tenantId = record.tenantId;
    const service = this.#treeOf(tenantId, record.service || record.dataset);
    const match = this.#miners.add(tenantId, service, record.body);
    let id = match.patternId;
    const merges = this.#overrides.get(tenantId)?.merges;
    if (merges !== undefined && merges.size > 0) id = merges.get(id) ?? id;
    if (match.changed && match.previousId !== undefined) {
      this.#accumulator.rekey(tenantId, service, match.previousId, id, match.template);
    }
    const params = match.parameters;
    for (let i = 0; i < params.length; i++) {
      const p = params[i] as string;
      if (p.length > MAX_STORED_PARAM) params[i] = p.slice(0, MAX_STORED_PARAM);
    }
    record.patternId = id;
    record.patternParams = params;
    this.#accumulator.add(
      tenantId,
      service,
      id,
      match.template,
      params,
      record.timestamp,
      record.body,
    );
  }

  /**
   * The patterns' share of the retention pass: hourly counts older than their tenant's
   * retention go (the catalogue rows stay while the miner knows the pattern). Returns how many.
   */
  async expireCounts(now: number, retentionDays: (tenantId: string) => number): Promise<number> {
    let removed = 0;
    for (const tenantId of await this.repo.tenantsWithCounts()) {
      const cutoff = new Date(now - retentionDays(tenantId) * 86_400_000);
      removed += await this.repo.deleteCountsBefore(tenantId, cutoff);
    }
    return removed;
  }

  /** Writes what was summed since the last flush; one at a time. */
  flush(): Promise<void> {
    if (this.#flushing !== null) return this.#flushing.then(() => this.flush());
    const run = this.#flushOnce().finally(() => {
      this.#flushing = null;
    });
    this.#flushing = run;
    return run;
  }

  /** Saves the miners changed since the last checkpoint and refreshes the pattern gauge. */
  async checkpoint(): Promise<void> {
    for (const { tenant, service } of this.#miners.takeDirty()) {
      const miner = this.#miners.get(tenant, service);
      if (!miner) continue;
      try {
        await this.repo.saveSnapshot(tenant, service, miner.toState());
      } catch (err) {
        this.#logger.warn(`template snapshot of ${tenant}/${service} failed: ${String(err)}`);
        this.#miners.miner(tenant, service);
      }
    }
    this.#updateGauge();
  }

  /** Installs a user pattern (it takes precedence over learning from now on). */
  async applyUserPattern(tenantId: string, service: string, id: string, template: string) {
    await this.prepare(tenantId);
    this.#miners.miner(tenantId, this.#treeOf(tenantId, service)).addUserPattern(template, id);
  }

  /** The id a user pattern gets (stable per tenant, service and template). */
  userPatternId(tenantId: string, service: string, template: string): string {
    // A scratch miner with the same identity computes the canonical id without touching the real one.
    return new TemplateMiner({ tenant: tenantId, service }).addUserPattern(template);
  }

  async applyMerge(tenantId: string, service: string, from: string, into: string): Promise<void> {
    await this.prepare(tenantId);
    this.#mergesOf(tenantId).set(from, into);
    this.#miners.miner(tenantId, service).merge(from, into);
  }

  /** Forgets the tenant's in-memory state (its stored state is erased by the caller). */
  forgetTenant(tenantId: string): void {
    for (const { tenant, service } of this.#miners.counts()) {
      if (tenant === tenantId) this.#miners.delete(tenant, service);
    }
    this.#accumulator.dropTenant(tenantId);
    this.#overrides.delete(tenantId);
    this.#trees.delete(tenantId);
    this.#loaded.delete(tenantId);
    this.#updateGauge();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.#flushTimer);
    clearInterval(this.#snapshotTimer);
    await this.flush();
    await this.checkpoint();
  }

  onModuleDestroy(): void {
    clearInterval(this.#flushTimer);
    clearInterval(this.#snapshotTimer);
  }

  async #load(tenantId: string): Promise<void> {
    const [snapshots, overrides] = await Promise.all([
      this.repo.loadSnapshots(tenantId),
      this.repo.loadOverrides(tenantId),
    ]);
    for (const { service, state } of snapshots) {
      try {
        this.#treeOf(tenantId, this.#miners.restore(state).options.service);
      } catch (err) {
        // A snapshot that no longer validates is relearned rather than blocking the tenant.
        this.#logger.warn(`template snapshot of ${tenantId}/${service} ignored: ${String(err)}`);
      }
    }
    this.#applyOverrides(tenantId, overrides);
    this.#updateGauge();
  }

  #treeOf(tenantId: string, service: string): string {
    let trees = this.#trees.get(tenantId);
    if (trees === undefined) {
      trees = new Set();
      this.#trees.set(tenantId, trees);
    }
    if (trees.has(service)) return service;
    if (trees.size >= MAX_TREES_PER_TENANT) return OVERFLOW_SERVICE;
    trees.add(service);
    return service;
  }

  #applyOverrides(tenantId: string, rows: readonly PatternRow[]): void {
    const merges = this.#mergesOf(tenantId);
    for (const row of rows) {
      this.#treeOf(tenantId, row.service);
      const miner = this.#miners.miner(tenantId, row.service);
      if (row.userDefined && row.mergedInto === null && miner.resolve(row.id) === undefined) {
        miner.addUserPattern(row.template, row.id);
      }
      if (row.mergedInto !== null) {
        merges.set(row.id, row.mergedInto);
        miner.merge(row.id, row.mergedInto);
      } else if (row.pinned) miner.pin(row.id);
    }
  }

  #mergesOf(tenantId: string): Map<string, string> {
    let o = this.#overrides.get(tenantId);
    if (o === undefined) {
      o = { merges: new Map() };
      this.#overrides.set(tenantId, o);
    }
    return o.merges;
  }

  async #flushOnce(): Promise<void> {
    const { rekeys, deltas } = this.#accumulator.take();
    if (rekeys.length === 0 && deltas.length === 0) return;
    const tenants = new Set([...rekeys.map((r) => r.tenantId), ...deltas.map((d) => d.tenantId)]);
    for (const tenantId of tenants) {
      try {
        await this.repo.flush(
          tenantId,
          rekeys.filter((r) => r.tenantId === tenantId),
          deltas.filter((d) => d.tenantId === tenantId),
        );
      } catch (err) {
        // Counts of this flush are lost for the tenant; the logs themselves are stored.
        this.#logger.warn(`pattern catalogue flush for ${tenantId} failed: ${String(err)}`);
      }
    }
  }

  #updateGauge(): void {
    const perTenant = new Map<string, number>();
    for (const c of this.#miners.counts()) {
      perTenant.set(c.tenant, (perTenant.get(c.tenant) ?? 0) + c.patterns + c.userPatterns);
    }
    this.metrics.templatePatterns.reset();
    for (const [tenant, n] of perTenant) this.metrics.templatePatterns.set({ tenant }, n);
  }
}
