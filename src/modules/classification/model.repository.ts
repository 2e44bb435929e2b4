import { gunzipSync, gzipSync } from 'node:zlib';

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { inTenantTransaction, type TenantTx } from '../../common/database/tenant-transaction';
import type { ClassificationReport } from '../../ml/classify/log-classifier';

export type ModelStatus = 'shadow' | 'active' | 'retired' | 'rejected';

/**
 * What the tenant's traffic looked like when a model was trained (drift is measured against
 * it): per service, record counts by pattern and by the category the model gave each pattern.
 */
export interface TrainingProfile {
  from: string;
  to: string;
  services: Record<
    string,
    { patterns: Record<string, number>; categories: Record<string, number> }
  >;
}

/** How a shadow model fared beside the active one on live traffic. */
export interface ShadowStats {
  /** Distinct pattern keys it classified (one per cache miss). */
  predictions?: number;
  /** Of those, how many it put in the same category as the active model. */
  agreements?: number;
  /** Its predictions per category. */
  categories?: Record<string, number>;
}

/** A model version without its (large) state. */
export interface ModelVersionRow {
  id: string;
  version: number;
  algorithm: string;
  status: ModelStatus;
  metrics: ClassificationReport;
  baselineMetrics: ClassificationReport | null;
  params: Record<string, unknown>;
  training: {
    reason: string;
    humanLabels: number;
    weakLabels: number;
    holdout: number;
    from: string | null;
    to: string;
  };
  profile: TrainingProfile;
  shadowStats: ShadowStats;
  createdAt: Date;
  activatedAt: Date | null;
  retiredAt: Date | null;
  decidedBy: string | null;
}

export interface ModelEventRow {
  at: Date;
  kind: string;
  versionId: string | null;
  details: Record<string, unknown>;
}

const COLUMNS = `id, version, algorithm, status, metrics, baseline_metrics, params, training, profile,
  shadow_stats, created_at, activated_at, retired_at, decided_by`;

interface DbRow {
  id: string;
  version: number;
  algorithm: string;
  status: ModelStatus;
  metrics: ClassificationReport;
  baseline_metrics: ClassificationReport | null;
  params: Record<string, unknown>;
  training: ModelVersionRow['training'];
  profile: TrainingProfile;
  shadow_stats: ShadowStats;
  created_at: Date;
  activated_at: Date | null;
  retired_at: Date | null;
  decided_by: string | null;
}

/**
 * The model registry's SQL: versions (state stored gzipped JSON), their history, and each
 * tenant's taxonomy. At most one active and one shadow version per tenant (unique indexes).
 */
@Injectable()
export class ModelRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(tenantId: string, work: (tx: TenantTx) => Promise<T>): Promise<T> {
    return inTenantTransaction(this.db, tenantId, work);
  }

  /** Serialises registry writes of one tenant (a training run, a promotion, a rollback). */
  async lock(tx: TenantTx): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 8))`, [
      `models:${tx.tenantId}`,
    ]);
  }

  /** Tenants with a version in shadow (looked up across tenants, by the owner). */
  async tenantsWithShadow(): Promise<string[]> {
    const rows = await this.db.query<Array<{ tenant_id: string }>>(
      `SELECT DISTINCT tenant_id FROM model_versions WHERE status = 'shadow'`,
    );
    return rows.map((r) => r.tenant_id);
  }

  async list(tx: TenantTx, limit: number): Promise<ModelVersionRow[]> {
    const rows = await tx.query<DbRow>(
      `SELECT ${COLUMNS} FROM model_versions WHERE tenant_id = $1 ORDER BY version DESC LIMIT $2`,
      [tx.tenantId, limit],
    );
    return rows.map(fromDb);
  }

  async find(tx: TenantTx, id: string): Promise<ModelVersionRow | null> {
    const [row] = await tx.query<DbRow>(
      `SELECT ${COLUMNS} FROM model_versions WHERE tenant_id = $1 AND id = $2`,
      [tx.tenantId, id],
    );
    return row ? fromDb(row) : null;
  }

  async withStatus(tx: TenantTx, status: ModelStatus): Promise<ModelVersionRow | null> {
    const [row] = await tx.query<DbRow>(
      `SELECT ${COLUMNS} FROM model_versions WHERE tenant_id = $1 AND status = $2
        ORDER BY version DESC LIMIT 1`,
      [tx.tenantId, status],
    );
    return row ? fromDb(row) : null;
  }

  /** The serving models: the active and shadow versions with their states. */
  async serving(
    tenantId: string,
  ): Promise<Array<{ id: string; version: number; status: ModelStatus; state: unknown }>> {
    const rows = await this.transaction(tenantId, (tx) =>
      tx.query<{ id: string; version: number; status: ModelStatus; state: Buffer }>(
        `SELECT id, version, status, state FROM model_versions
          WHERE tenant_id = $1 AND status IN ('active', 'shadow')`,
        [tenantId],
      ),
    );
    return rows.map((r) => ({
      id: r.id,
      version: r.version,
      status: r.status,
      state: JSON.parse(gunzipSync(r.state).toString('utf8')) as unknown,
    }));
  }

  async state(tx: TenantTx, id: string): Promise<unknown> {
    const [row] = await tx.query<{ state: Buffer }>(
      `SELECT state FROM model_versions WHERE tenant_id = $1 AND id = $2`,
      [tx.tenantId, id],
    );
    return row ? (JSON.parse(gunzipSync(row.state).toString('utf8')) as unknown) : null;
  }

  async insert(
    tx: TenantTx,
    v: Omit<
      ModelVersionRow,
      'version' | 'createdAt' | 'activatedAt' | 'retiredAt' | 'decidedBy' | 'shadowStats'
    > & { state: unknown },
  ): Promise<ModelVersionRow> {
    const [row] = await tx.query<DbRow>(
      `INSERT INTO model_versions (tenant_id, id, version, algorithm, status, metrics,
                                   baseline_metrics, params, training, profile, state, activated_at)
       VALUES ($1, $2, (SELECT coalesce(max(version), 0) + 1 FROM model_versions WHERE tenant_id = $1),
               $3, $4, $5, $6, $7, $8, $9, $10, CASE WHEN $4 = 'active' THEN now() END)
       RETURNING ${COLUMNS}`,
      [
        tx.tenantId,
        v.id,
        v.algorithm,
        v.status,
        JSON.stringify(v.metrics),
        v.baselineMetrics === null ? null : JSON.stringify(v.baselineMetrics),
        JSON.stringify(v.params),
        JSON.stringify(v.training),
        JSON.stringify(v.profile),
        gzipSync(JSON.stringify(v.state)),
      ],
    );
    return fromDb(row as DbRow);
  }

  async setStatus(
    tx: TenantTx,
    id: string,
    status: ModelStatus,
    by: string | null,
  ): Promise<ModelVersionRow | null> {
    const [row] = await tx.query<DbRow>(
      `UPDATE model_versions SET status = $3, decided_by = coalesce($4, decided_by),
              activated_at = CASE WHEN $3 = 'active' THEN now() ELSE activated_at END,
              retired_at = CASE WHEN $3 IN ('retired', 'rejected') THEN now() ELSE retired_at END
        WHERE tenant_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [tx.tenantId, id, status, by],
    );
    return row ? fromDb(row) : null;
  }

  /** The version that was active before the current one (the rollback target). */
  async previousActive(tx: TenantTx, before: number): Promise<ModelVersionRow | null> {
    const [row] = await tx.query<DbRow>(
      `SELECT ${COLUMNS} FROM model_versions
        WHERE tenant_id = $1 AND status = 'retired' AND activated_at IS NOT NULL AND version < $2
        ORDER BY activated_at DESC LIMIT 1`,
      [tx.tenantId, before],
    );
    return row ? fromDb(row) : null;
  }

  /** Adds live shadow counts to a version's statistics. */
  async addShadowStats(tenantId: string, id: string, add: Required<ShadowStats>): Promise<void> {
    await this.transaction(tenantId, async (tx) => {
      const [row] = await tx.query<{ shadow_stats: ShadowStats }>(
        `SELECT shadow_stats FROM model_versions WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
        [tenantId, id],
      );
      if (!row) return;
      const s = row.shadow_stats;
      const categories = { ...(s.categories ?? {}) };
      for (const [c, n] of Object.entries(add.categories)) categories[c] = (categories[c] ?? 0) + n;
      const next: ShadowStats = {
        predictions: (s.predictions ?? 0) + add.predictions,
        agreements: (s.agreements ?? 0) + add.agreements,
        categories,
      };
      await tx.query(
        `UPDATE model_versions SET shadow_stats = $3 WHERE tenant_id = $1 AND id = $2`,
        [tenantId, id, JSON.stringify(next)],
      );
    });
  }

  async addEvent(
    tx: TenantTx,
    kind: string,
    versionId: string | null,
    details: Record<string, unknown>,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO model_events (tenant_id, kind, version_id, details) VALUES ($1, $2, $3, $4)`,
      [tx.tenantId, kind, versionId, JSON.stringify(details)],
    );
  }

  async events(tx: TenantTx, kinds: readonly string[] | null, limit: number) {
    const rows = await tx.query<{
      at: Date;
      kind: string;
      version_id: string | null;
      details: Record<string, unknown>;
    }>(
      `SELECT at, kind, version_id, details FROM model_events
        WHERE tenant_id = $1 AND ($2::text[] IS NULL OR kind = ANY($2))
        ORDER BY id DESC LIMIT $3`,
      [tx.tenantId, kinds, limit],
    );
    return rows.map((r): ModelEventRow => ({
      at: r.at,
      kind: r.kind,
      versionId: r.version_id,
      details: r.details,
    }));
  }

  async taxonomy(tenantId: string): Promise<unknown> {
    const [row] = await this.transaction(tenantId, (tx) =>
      tx.query<{ taxonomy: unknown }>(
        `SELECT taxonomy FROM classification_settings WHERE tenant_id = $1`,
        [tenantId],
      ),
    );
    return row?.taxonomy ?? null;
  }

  async saveTaxonomy(tx: TenantTx, taxonomy: unknown, by: string): Promise<void> {
    await tx.query(
      `INSERT INTO classification_settings (tenant_id, taxonomy, updated_by) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id) DO UPDATE
         SET taxonomy = excluded.taxonomy, updated_by = excluded.updated_by, updated_at = now()`,
      [tx.tenantId, JSON.stringify(taxonomy), by],
    );
  }
}

function fromDb(r: DbRow): ModelVersionRow {
  return {
    id: r.id,
    version: r.version,
    algorithm: r.algorithm,
    status: r.status,
    metrics: r.metrics,
    baselineMetrics: r.baseline_metrics,
    params: r.params,
    training: r.training,
    profile: r.profile,
    shadowStats: r.shadow_stats,
    createdAt: r.created_at,
    activatedAt: r.activated_at,
    retiredAt: r.retired_at,
    decidedBy: r.decided_by,
  };
}
