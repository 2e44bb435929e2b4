import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { isUuid } from '../../common/ids/uuid';
import { inTenantTransaction, type TenantTx } from '../../common/database/tenant-transaction';
import type { Evidence } from '../../ml/anomaly/detector';
import type { EnsembleAnomaly } from '../../ml/anomaly/anomaly-ensemble';

/** A stored anomaly (times as epoch ms). */
export interface AnomalyRow {
  id: string;
  service: string;
  kind: string;
  kinds: string[];
  score: number;
  status: 'open' | 'resolved';
  startedAt: number;
  endedAt: number | null;
  detectedAt: number;
  lastActivity: number;
  explanation: string;
  evidence: Evidence;
  subjects: string[];
  candidates: number;
  updatedAt: number;
}

/** What `list` filters on; every field narrows. */
export interface AnomalyQuery {
  from?: number;
  to?: number;
  services?: readonly string[];
  kinds?: readonly string[];
  minScore?: number;
  status?: 'open' | 'resolved';
}

/** Keyset position: the last row of the previous page. */
export interface AnomalyPosition {
  startedAt: number;
  id: string;
}

interface DbRow {
  id: string;
  service: string;
  kind: string;
  kinds: string[];
  score: number;
  status: 'open' | 'resolved';
  started_at: Date;
  ended_at: Date | null;
  detected_at: Date;
  last_activity: Date;
  explanation: string;
  evidence: Evidence;
  subjects: string[];
  candidates: number;
  updated_at: Date;
}

const COLUMNS =
  'id, service, kind, kinds, score, status, started_at, ended_at, detected_at, last_activity, explanation, evidence, subjects, candidates, updated_at';

/**
 * The only file of the detection module that touches the database: anomalies, detector
 * checkpoints and detection settings, each statement in a tenant transaction under row-level
 * security.
 */
@Injectable()
export class AnomalyRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(tenantId: string, work: (tx: TenantTx) => Promise<T>): Promise<T> {
    return inTenantTransaction(this.db, tenantId, work);
  }

  /** Inserts or updates anomalies as the ensemble last saw them (in the order given). */
  async upsert(tenantId: string, anomalies: readonly EnsembleAnomaly[]): Promise<void> {
    if (anomalies.length === 0) return;
    await this.transaction(tenantId, async (tx) => {
      for (const a of anomalies) {
        await tx.query(
          `INSERT INTO anomalies (tenant_id, id, service, kind, kinds, score, status, started_at,
                                  ended_at, detected_at, last_activity, explanation, evidence,
                                  subjects, candidates)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
           ON CONFLICT (tenant_id, id) DO UPDATE SET
             kind = excluded.kind, kinds = excluded.kinds, score = excluded.score,
             status = excluded.status, started_at = excluded.started_at,
             ended_at = excluded.ended_at, last_activity = excluded.last_activity,
             explanation = excluded.explanation, evidence = excluded.evidence,
             subjects = excluded.subjects, candidates = excluded.candidates, updated_at = now()`,
          [
            tenantId,
            a.id,
            a.service,
            a.kind,
            a.kinds,
            a.score,
            a.status,
            new Date(a.from),
            a.to === null ? null : new Date(a.to),
            new Date(a.detectedAt),
            new Date(a.lastActivity),
            a.explanation,
            JSON.stringify(a.evidence),
            a.subjects,
            a.candidates,
          ],
        );
      }
    });
  }

  async find(tenantId: string, id: string): Promise<AnomalyRow | null> {
    if (!isUuid(id)) return null;
    const [row] = await this.transaction(tenantId, (tx) =>
      tx.query<DbRow>(`SELECT ${COLUMNS} FROM anomalies WHERE tenant_id = $1 AND id = $2`, [
        tenantId,
        id,
      ]),
    );
    return row ? fromDb(row) : null;
  }

  /** Newest first (by start, then id), `limit` rows after `after`. */
  async list(
    tenantId: string,
    q: AnomalyQuery,
    limit: number,
    after?: AnomalyPosition,
  ): Promise<AnomalyRow[]> {
    const where = ['tenant_id = $1'];
    const params: unknown[] = [tenantId];
    const add = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    // An anomaly overlapping the range counts: it started before `to` and had not ended by `from`.
    if (q.to !== undefined) where.push(`started_at < ${add(new Date(q.to))}`);
    if (q.from !== undefined) {
      where.push(`(ended_at IS NULL OR ended_at >= ${add(new Date(q.from))})`);
    }
    if (q.services?.length) where.push(`service = ANY(${add(q.services)}::text[])`);
    if (q.kinds?.length) where.push(`kinds && ${add(q.kinds)}::text[]`);
    if (q.minScore !== undefined) where.push(`score >= ${add(q.minScore)}`);
    if (q.status !== undefined) where.push(`status = ${add(q.status)}`);
    if (after) {
      where.push(`(started_at, id) < (${add(new Date(after.startedAt))}, ${add(after.id)}::uuid)`);
    }
    const rows = await this.transaction(tenantId, (tx) =>
      tx.query<DbRow>(
        `SELECT ${COLUMNS} FROM anomalies WHERE ${where.join(' AND ')}
          ORDER BY started_at DESC, id DESC LIMIT ${add(limit)}`,
        params,
      ),
    );
    return rows.map(fromDb);
  }

  async loadState(tenantId: string): Promise<unknown> {
    const [row] = await this.transaction(tenantId, (tx) =>
      tx.query<{ state: unknown }>('SELECT state FROM detector_states WHERE tenant_id = $1', [
        tenantId,
      ]),
    );
    return row?.state;
  }

  async saveState(tenantId: string, state: unknown): Promise<void> {
    await this.transaction(tenantId, (tx) =>
      tx.query(
        `INSERT INTO detector_states (tenant_id, state, updated_at) VALUES ($1, $2, now())
         ON CONFLICT (tenant_id) DO UPDATE SET state = excluded.state, updated_at = now()`,
        [tenantId, JSON.stringify(state)],
      ),
    );
  }

  async deleteState(tenantId: string): Promise<number> {
    return (
      await this.transaction(tenantId, (tx) =>
        tx.query('DELETE FROM detector_states WHERE tenant_id = $1 RETURNING 1', [tenantId]),
      )
    ).length;
  }

  /** Settings rows: service '' is the tenant's own. */
  async loadSettings(tenantId: string): Promise<Array<{ service: string; settings: unknown }>> {
    return this.transaction(tenantId, (tx) =>
      tx.query<{ service: string; settings: unknown }>(
        'SELECT service, settings FROM detection_settings WHERE tenant_id = $1 ORDER BY service',
        [tenantId],
      ),
    );
  }

  async saveSettings(tx: TenantTx, service: string, settings: unknown, updatedBy: string) {
    await tx.query(
      `INSERT INTO detection_settings (tenant_id, service, settings, updated_at, updated_by)
       VALUES ($1, $2, $3, now(), $4)
       ON CONFLICT (tenant_id, service)
         DO UPDATE SET settings = excluded.settings, updated_at = now(), updated_by = $4`,
      [tx.tenantId, service, JSON.stringify(settings), updatedBy],
    );
  }

  async deleteSettings(tx: TenantTx, service: string): Promise<boolean> {
    const rows = await tx.query(
      'DELETE FROM detection_settings WHERE tenant_id = $1 AND service = $2 RETURNING 1',
      [tx.tenantId, service],
    );
    return rows.length > 0;
  }

  /** Everything of the tenant, for an export: anomalies oldest first, and the settings rows. */
  async exportRows(
    tenantId: string,
  ): Promise<{ anomalies: AnomalyRow[]; settings: Array<{ service: string; settings: unknown }> }> {
    return this.transaction(tenantId, async (tx) => ({
      anomalies: (
        await tx.query<DbRow>(
          `SELECT ${COLUMNS} FROM anomalies WHERE tenant_id = $1 ORDER BY started_at, id`,
          [tenantId],
        )
      ).map(fromDb),
      settings: await tx.query<{ service: string; settings: unknown }>(
        'SELECT service, settings FROM detection_settings WHERE tenant_id = $1 ORDER BY service',
        [tenantId],
      ),
    }));
  }

  async eraseTenant(tenantId: string): Promise<Record<string, number>> {
    return this.transaction(tenantId, async (tx) => {
      const out: Record<string, number> = {};
      for (const table of ['anomalies', 'detector_states', 'detection_settings']) {
        const rows = await tx.query(`DELETE FROM ${table} WHERE tenant_id = $1 RETURNING 1`, [
          tenantId,
        ]);
        out[table] = rows.length;
      }
      return out;
    });
  }

  /** Rewrites anomalies for a subject erasure: `rewrite` returns the new text or null. */
  async rewriteAnomalies(
    tenantId: string,
    rewrite: (row: AnomalyRow) => Pick<AnomalyRow, 'explanation' | 'evidence' | 'subjects'> | null,
  ): Promise<number> {
    return this.transaction(tenantId, async (tx) => {
      const rows = (
        await tx.query<DbRow>(`SELECT ${COLUMNS} FROM anomalies WHERE tenant_id = $1 FOR UPDATE`, [
          tenantId,
        ])
      ).map(fromDb);
      let changed = 0;
      for (const row of rows) {
        const next = rewrite(row);
        if (next === null) continue;
        await tx.query(
          `UPDATE anomalies SET explanation = $3, evidence = $4, subjects = $5, updated_at = now()
            WHERE tenant_id = $1 AND id = $2`,
          [tenantId, row.id, next.explanation, JSON.stringify(next.evidence), next.subjects],
        );
        changed++;
      }
      return changed;
    });
  }
}

function fromDb(r: DbRow): AnomalyRow {
  return {
    id: r.id,
    service: r.service,
    kind: r.kind,
    kinds: r.kinds,
    score: r.score,
    status: r.status,
    startedAt: r.started_at.getTime(),
    endedAt: r.ended_at?.getTime() ?? null,
    detectedAt: r.detected_at.getTime(),
    lastActivity: r.last_activity.getTime(),
    explanation: r.explanation,
    evidence: r.evidence,
    subjects: r.subjects,
    candidates: r.candidates,
    updatedAt: r.updated_at.getTime(),
  };
}
