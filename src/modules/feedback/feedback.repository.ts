import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { inTenantTransaction, type TenantTx } from '../../common/database/tenant-transaction';

export type FeedbackTarget = 'log' | 'pattern' | 'anomaly';
export type AnomalyVerdict = 'true_positive' | 'false_positive' | 'noise';

/** What was labelled, as it was when the label was given (training reads this, not the target). */
export interface FeedbackSubject {
  /** The line (a log's body, or a pattern's example). */
  message?: string;
  template?: string;
  service?: string;
  severity?: string;
  patternId?: string;
  /** Anomalies: their detector kinds and patterns. */
  kinds?: string[];
  patternIds?: string[];
  explanation?: string;
}

export interface FeedbackRow {
  id: string;
  targetKind: FeedbackTarget;
  targetId: string;
  version: number;
  category: string | null;
  severity: string | null;
  verdict: AnomalyVerdict | null;
  subject: FeedbackSubject;
  givenBy: string;
  givenAt: Date;
  supersededAt: Date | null;
}

interface DbRow {
  id: string;
  target_kind: FeedbackTarget;
  target_id: string;
  version: number;
  category: string | null;
  severity: string | null;
  verdict: AnomalyVerdict | null;
  subject: FeedbackSubject;
  given_by: string;
  given_at: Date;
  superseded_at: Date | null;
}

const COLUMNS =
  'id, target_kind, target_id, version, category, severity, verdict, subject, given_by, given_at, superseded_at';

/** Feedback rows: never updated but to mark a label superseded by the next version. */
@Injectable()
export class FeedbackRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(tenantId: string, work: (tx: TenantTx) => Promise<T>): Promise<T> {
    return inTenantTransaction(this.db, tenantId, work);
  }

  /** Stores a label as the target's next version and supersedes the one before. */
  async add(
    tx: TenantTx,
    f: Omit<FeedbackRow, 'version' | 'givenAt' | 'supersededAt'>,
  ): Promise<FeedbackRow> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 9))`, [
      `feedback:${tx.tenantId}:${f.targetKind}:${f.targetId}`,
    ]);
    await tx.query(
      `UPDATE feedback SET superseded_at = now()
        WHERE tenant_id = $1 AND target_kind = $2 AND target_id = $3 AND superseded_at IS NULL`,
      [tx.tenantId, f.targetKind, f.targetId],
    );
    const [row] = await tx.query<DbRow>(
      `INSERT INTO feedback (tenant_id, id, target_kind, target_id, version, category, severity,
                             verdict, subject, given_by)
       VALUES ($1, $2, $3, $4,
               (SELECT coalesce(max(version), 0) + 1 FROM feedback
                 WHERE tenant_id = $1 AND target_kind = $3 AND target_id = $4),
               $5, $6, $7, $8, $9)
       RETURNING ${COLUMNS}`,
      [
        tx.tenantId,
        f.id,
        f.targetKind,
        f.targetId,
        f.category,
        f.severity,
        f.verdict,
        JSON.stringify(f.subject),
        f.givenBy,
      ],
    );
    return fromDb(row as DbRow);
  }

  /** Every label, every version, newest first (the export and the history). */
  async list(
    tx: TenantTx,
    q: { targetKind?: FeedbackTarget | null; targetId?: string | null; current?: boolean },
    limit: number,
    offset: number,
  ): Promise<FeedbackRow[]> {
    const rows = await tx.query<DbRow>(
      `SELECT ${COLUMNS} FROM feedback
        WHERE tenant_id = $1 AND ($2::text IS NULL OR target_kind = $2)
          AND ($3::text IS NULL OR target_id = $3)
          AND (NOT $4 OR superseded_at IS NULL)
        ORDER BY given_at DESC, id LIMIT $5 OFFSET $6`,
      [tx.tenantId, q.targetKind ?? null, q.targetId ?? null, q.current ?? false, limit, offset],
    );
    return rows.map(fromDb);
  }

  /** The current category labels (latest version of each target that has a category). */
  async categoryLabels(tx: TenantTx, limit: number): Promise<FeedbackRow[]> {
    const rows = await tx.query<DbRow>(
      `SELECT ${COLUMNS} FROM feedback
        WHERE tenant_id = $1 AND superseded_at IS NULL AND category IS NOT NULL
        ORDER BY given_at DESC LIMIT $2`,
      [tx.tenantId, limit],
    );
    return rows.map(fromDb);
  }

  /** Category labels given after `since` (a retraining is due after enough of them). */
  async categoryLabelsSince(tx: TenantTx, since: Date | null): Promise<number> {
    const [row] = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM feedback
        WHERE tenant_id = $1 AND category IS NOT NULL AND ($2::timestamptz IS NULL OR given_at > $2)`,
      [tx.tenantId, since],
    );
    return row?.n ?? 0;
  }

  /** Every label's copy of its subject and its author (for a data subject's erasure). */
  async subjects(tx: TenantTx): Promise<Array<{ id: string; subject: unknown; givenBy: string }>> {
    const rows = await tx.query<{ id: string; subject: unknown; given_by: string }>(
      `SELECT id, subject, given_by FROM feedback WHERE tenant_id = $1 FOR UPDATE`,
      [tx.tenantId],
    );
    return rows.map((r) => ({ id: r.id, subject: r.subject, givenBy: r.given_by }));
  }

  async replaceSubject(tx: TenantTx, id: string, subject: unknown, givenBy: string): Promise<void> {
    await tx.query(
      `UPDATE feedback SET subject = $3, given_by = $4 WHERE tenant_id = $1 AND id = $2`,
      [tx.tenantId, id, JSON.stringify(subject), givenBy],
    );
  }

  /** Patterns with a current label (left out of the labelling queue). */
  async labelledPatterns(tx: TenantTx): Promise<Set<string>> {
    const rows = await tx.query<{ p: string }>(
      `SELECT DISTINCT coalesce(subject->>'patternId', CASE WHEN target_kind = 'pattern' THEN target_id END) AS p
         FROM feedback
        WHERE tenant_id = $1 AND superseded_at IS NULL AND category IS NOT NULL`,
      [tx.tenantId],
    );
    return new Set(rows.flatMap((r) => (r.p ? [r.p] : [])));
  }
}

function fromDb(r: DbRow): FeedbackRow {
  return {
    id: r.id,
    targetKind: r.target_kind,
    targetId: r.target_id,
    version: r.version,
    category: r.category,
    severity: r.severity,
    verdict: r.verdict,
    subject: r.subject,
    givenBy: r.given_by,
    givenAt: r.given_at,
    supersededAt: r.superseded_at,
  };
}
