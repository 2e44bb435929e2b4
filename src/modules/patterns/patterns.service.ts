import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';

import { MetricsService } from '../../common/metrics/metrics.service';
import { TemplateMiner, type TemplateMatch } from '../../ml/templates/template-miner';
import { TemplateMinerSet } from '../../ml/templates/template-miner-set';
import { TenantConfigBus } from '../../common/config-bus/tenant-config.bus';
import type { LogRecord } from '../logs/log-record';
import { PatternAccumulator, type PatternDelta, type Rekey } from './pattern-accumulator';
import { PatternRepository, type PatternRow, type StoredSnapshot } from './pattern.repository';

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

/** Patterns whose sums are held per tenant while the catalogue cannot be written. */
const MAX_UNFLUSHED = 50_000;

/** Sums taken from the accumulator for one tenant, written in one transaction. */
interface FlushBatch {
  rekeys: Rekey[];
  deltas: PatternDelta[];
}

/** What a user decided for a tenant, applied on top of learning. */
interface TenantOverrides {
  /** Merged-away id → the id it reports. */
  merges: Map<string, string>;
  /** Pinned learned pattern → its tree, so a pin withdrawn on another replica is withdrawn here. */
  pins: Map<string, string>;
}

/**
 * Mines every ingested record into a pattern (one TemplateMiner per tenant and service, or
 * dataset when the service is empty), keeps the catalogue in Postgres (summed in memory, flushed
 * every couple of seconds) and checkpoints the miners so a restart or another replica resumes
 * their learning. A tenant's checkpoints and user decisions are loaded on its first ingest.
 *
 * Replicas converge through the checkpoints: each checkpoint first absorbs what other replicas
 * stored for the tree (under the row lock) and then tells them, through the tenant-config bus,
 * to absorb the result; user decisions and erasures are announced the same way.
 */
@Injectable()
export class PatternsService implements BeforeApplicationShutdown, OnModuleDestroy, OnModuleInit {
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
  /** Tenant → sums whose flush failed, oldest first; retried before newer ones. */
  readonly #unflushed = new Map<string, FlushBatch[]>();
  /** Tenant/service key → the checkpoint version this replica last wrote or absorbed. */
  readonly #versions = new Map<string, string>();
  readonly #unlisten: Array<() => void> = [];

  constructor(
    private readonly repo: PatternRepository,
    private readonly metrics: MetricsService,
    private readonly bus: TenantConfigBus,
  ) {
    this.#flushTimer = setInterval(() => void this.flush(), FLUSH_MS);
    this.#flushTimer.unref();
    this.#snapshotTimer = setInterval(() => void this.checkpoint(), SNAPSHOT_MS);
    this.#snapshotTimer.unref();
  }

  onModuleInit(): void {
    const ignoreResync = () => undefined;
    this.#unlisten.push(
      this.bus.listen('pattern_snapshot', {
        changed: (tenantId, service) => {
          if (service !== undefined) this.#absorbStored(tenantId, service);
        },
        // A missed checkpoint is absorbed at this replica's own next checkpoint of the tree.
        resync: ignoreResync,
      }),
      this.bus.listen('pattern_decisions', {
        changed: (tenantId) => this.#reloadOverrides(tenantId),
        resync: () => {
          for (const tenantId of this.#loaded.keys()) this.#reloadOverrides(tenantId);
        },
      }),
      this.bus.listen('pattern_reset', {
        changed: (tenantId) => this.forgetTenant(tenantId),
        resync: ignoreResync,
      }),
    );
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

  /**
   * Mines a record's body: sets its patternId and parameters and counts it. Synchronous. Returns
   * the match (its template, and whether the pattern is new).
   */
  assign(record: LogRecord): TemplateMatch {
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
    return match;
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

  /**
   * Saves the miners changed since the last checkpoint (each merged first with what other
   * replicas stored), tells the other replicas, and refreshes the pattern gauge.
   */
  async checkpoint(): Promise<void> {
    for (const { tenant, service } of this.#miners.takeDirty()) {
      const miner = this.#miners.get(tenant, service);
      if (!miner) continue;
      const key = `${tenant}\u0000${service}`;
      try {
        const version = await this.repo.checkpointSnapshot(tenant, service, (stored) => {
          if (stored !== null && stored.version !== this.#versions.get(key)) {
            this.#absorb(tenant, service, stored);
          }
          return miner.toState();
        });
        this.#versions.set(key, version);
        await this.bus.publish('pattern_snapshot', tenant, { subject: service, local: false });
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

  async applyPin(tenantId: string, service: string, id: string, pinned: boolean): Promise<void> {
    await this.prepare(tenantId);
    const tree = this.#treeOf(tenantId, service);
    const miner = this.#miners.miner(tenantId, tree);
    const pins = this.#overridesOf(tenantId).pins;
    if (pinned && miner.pin(id)) pins.set(id, tree);
    if (!pinned && miner.unpin(id)) pins.delete(id);
  }

  /** Tells the other replicas that the tenant's decisions changed (they reload them). */
  announceDecisions(tenantId: string): Promise<void> {
    return this.bus.publish('pattern_decisions', tenantId, { local: false });
  }

  /**
   * Forgets the tenant's learned patterns on every replica (an erasure): each relearns from the
   * stored checkpoints, which the caller deletes.
   */
  async resetTenant(tenantId: string): Promise<void> {
    this.forgetTenant(tenantId);
    await this.bus.publish('pattern_reset', tenantId, { local: false });
  }

  /** Forgets the tenant's in-memory state (its stored state is erased by the caller). */
  forgetTenant(tenantId: string): void {
    for (const { tenant, service } of this.#miners.counts()) {
      if (tenant === tenantId) this.#miners.delete(tenant, service);
    }
    this.#accumulator.dropTenant(tenantId);
    this.#unflushed.delete(tenantId);
    this.#overrides.delete(tenantId);
    this.#trees.delete(tenantId);
    this.#loaded.delete(tenantId);
    const prefix = `${tenantId}\u0000`;
    for (const key of this.#versions.keys()) if (key.startsWith(prefix)) this.#versions.delete(key);
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
    for (const unlisten of this.#unlisten.splice(0)) unlisten();
  }

  /** Absorbs another replica's checkpoint of a tree of a tenant this replica has loaded. */
  #absorbStored(tenantId: string, service: string): void {
    const loading = this.#loaded.get(tenantId);
    if (loading === undefined) return; // loaded in full on the tenant's next ingest
    const key = `${tenantId}\u0000${service}`;
    loading
      .then(() => this.repo.loadSnapshot(tenantId, service))
      .then((stored) => {
        if (stored === null || stored.version === this.#versions.get(key)) return;
        if (this.#loaded.get(tenantId) !== loading) return; // forgotten meanwhile
        this.#absorb(tenantId, service, stored);
        this.#versions.set(key, stored.version);
        this.#updateGauge();
      })
      .catch((err: unknown) => {
        this.#logger.warn(`absorbing ${tenantId}/${service} failed: ${String(err)}`);
      });
  }

  /** Merges a stored checkpoint into the tree (installing it when the tree is new here). */
  #absorb(tenantId: string, service: string, stored: StoredSnapshot): void {
    const miner = this.#miners.get(tenantId, service);
    if (miner === undefined) {
      this.#treeOf(tenantId, this.#miners.restore(stored.state).options.service);
      return;
    }
    const { renamed } = miner.absorb(stored.state);
    for (const r of renamed) {
      const merges = this.#overrides.get(tenantId)?.merges;
      const id = merges?.get(r.patternId) ?? r.patternId;
      this.#accumulator.rekey(tenantId, service, r.previousId, id, r.template);
    }
  }

  #reloadOverrides(tenantId: string): void {
    const loading = this.#loaded.get(tenantId);
    if (loading === undefined) return;
    loading
      .then(() => this.repo.loadOverrides(tenantId))
      .then((rows) => {
        if (this.#loaded.get(tenantId) === loading) this.#applyOverrides(tenantId, rows);
      })
      .catch((err: unknown) => {
        this.#logger.warn(`reloading the pattern decisions of ${tenantId} failed: ${String(err)}`);
      });
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
    const overrides = this.#overridesOf(tenantId);
    const pins = new Map<string, string>();
    for (const row of rows) {
      const service = this.#treeOf(tenantId, row.service);
      const miner = this.#miners.miner(tenantId, service);
      if (row.userDefined && row.mergedInto === null && miner.resolve(row.id) === undefined) {
        miner.addUserPattern(row.template, row.id);
      }
      if (row.mergedInto !== null) {
        overrides.merges.set(row.id, row.mergedInto);
        miner.merge(row.id, row.mergedInto);
      } else if (row.pinned) {
        miner.pin(row.id);
        pins.set(row.id, service);
      }
    }
    for (const [id, service] of overrides.pins) {
      if (!pins.has(id)) this.#miners.get(tenantId, service)?.unpin(id);
    }
    overrides.pins = pins;
  }

  #mergesOf(tenantId: string): Map<string, string> {
    return this.#overridesOf(tenantId).merges;
  }

  #overridesOf(tenantId: string): TenantOverrides {
    let o = this.#overrides.get(tenantId);
    if (o === undefined) {
      o = { merges: new Map(), pins: new Map() };
      this.#overrides.set(tenantId, o);
    }
    return o;
  }

  async #flushOnce(): Promise<void> {
    const { rekeys, deltas } = this.#accumulator.take();
    const tenants = new Set([
      ...this.#unflushed.keys(),
      ...rekeys.map((r) => r.tenantId),
      ...deltas.map((d) => d.tenantId),
    ]);
    for (const tenantId of tenants) {
      const batches = this.#unflushed.get(tenantId) ?? [];
      const fresh: FlushBatch = {
        rekeys: rekeys.filter((r) => r.tenantId === tenantId),
        deltas: deltas.filter((d) => d.tenantId === tenantId),
      };
      if (fresh.rekeys.length > 0 || fresh.deltas.length > 0) batches.push(fresh);
      this.#unflushed.delete(tenantId);
      // In order: a re-key must reach the catalogue before the counts summed under the new id.
      for (let i = 0; i < batches.length; i++) {
        const batch = batches[i] as FlushBatch;
        try {
          await this.repo.flush(tenantId, batch.rekeys, batch.deltas);
        } catch (err) {
          // Each flush is one transaction: a failed one wrote nothing, and is retried next time.
          this.#logger.warn(`pattern catalogue flush for ${tenantId} failed: ${String(err)}`);
          this.#keepUnflushed(tenantId, batches.slice(i));
          break;
        }
      }
    }
  }

  /** Keeps what could not be written for the next flush, within MAX_UNFLUSHED patterns. */
  #keepUnflushed(tenantId: string, batches: FlushBatch[]): void {
    let size = batches.reduce((n, b) => n + b.deltas.length, 0);
    while (size > MAX_UNFLUSHED && batches.length > 1) {
      const dropped = batches.shift() as FlushBatch;
      size -= dropped.deltas.length;
      this.#logger.error(
        `dropped the counts of ${dropped.deltas.length} patterns of ${tenantId}: the catalogue has been unwritable too long`,
      );
    }
    this.#unflushed.set(tenantId, batches);
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
