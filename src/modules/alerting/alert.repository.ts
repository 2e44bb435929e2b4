import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

import { inTenantTransaction, type TenantTx } from '../../common/database/tenant-transaction';
import type { AlertNotice } from './channels/alert-channel';
import type { FeedbackCount } from './engine/rule-weights';

/** A stored alert (times as epoch ms). */
export interface AlertRow {
  fingerprint: string;
  ruleId: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  severity: string;
  status: 'pending' | 'firing' | 'acknowledged' | 'resolved';
  startedAt: number;
  endedAt: number | null;
  updatedAt: number;
  groupKey: string | null;
  incidentId: string | null;
  anomalyIds: string[];
  /** The patterns of its anomalies (feedback on the alert weighs its rule+pattern). */
  patternIds: string[];
  acknowledgedBy: string | null;
}

export interface AlertEventRow {
  at: number;
  kind: string;
  details: Record<string, unknown>;
}

export interface IncidentRow {
  id: string;
  title: string;
  status: 'open' | 'acknowledged' | 'resolved';
  openedAt: number;
  closedAt: number | null;
  rootCause: { service: string | null; reason: string; fingerprint: string } | null;
  alertCount: number;
  acknowledgedBy: string | null;
}

export interface NotificationRow {
  id: string;
  groupKey: string;
  channelId: string;
  kind: string;
  status: 'queued' | 'sent' | 'failed' | 'dead';
  attempts: number;
  lastError: string | null;
  notice: AlertNotice;
  /** People this notification reaches instead of the channel's own recipients (e-mail). */
  recipients?: string[];
  createdAt: number;
  sentAt: number | null;
}

const ALERT_COLUMNS =
  'fingerprint, rule_id, labels, annotations, severity, status, started_at, ended_at, updated_at, group_key, incident_id, anomaly_ids, pattern_ids, acknowledged_by';
const NOTIFICATION_COLUMNS =
  'id, group_key, channel_id, kind, status, attempts, last_error, notice, recipients, created_at, sent_at';

/** Feedback older than this no longer weighs on a rule's anomalies. */
const FEEDBACK_DAYS = 90;

/** Engine states held in memory this many tenants at most (the least recently used go). */
const MAX_CACHED_STATES = 10_000;

/**
 * The engine state each tenant had when this process last wrote it, with the revision token it
 * was written under. A run whose tenant row still carries that token skips reading and parsing
 * the state; a write by another replica (or by erasure) changes the token, so it is read again.
 */
export class EngineStateCache {
  readonly #entries = new Map<string, { revision: string; state: unknown }>();

  get(tenantId: string): { revision: string; state: unknown } | undefined {
    return this.#entries.get(tenantId);
  }

  set(tenantId: string, entry: { revision: string; state: unknown }): void {
    this.#entries.delete(tenantId);
    this.#entries.set(tenantId, entry);
    if (this.#entries.size > MAX_CACHED_STATES) {
      this.#entries.delete(this.#entries.keys().next().value as string);
    }
  }

  delete(tenantId: string): void {
    this.#entries.delete(tenantId);
  }
}

/**
 * The only file of the alerting engine that touches SQL: alerts and their timeline, incidents,
 * notifications, feedback and the per-tenant engine state. Every statement runs in a tenant
 * transaction under row-level security.
 */
@Injectable()
export class AlertRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(tenantId: string, work: (tx: TenantTx) => Promise<T>): Promise<T> {
    return inTenantTransaction(this.db, tenantId, work);
  }

  /**
   * Runs `work` holding the tenant's engine lock (a transaction-scoped advisory lock), with the
   * engine state as stored; saves what `work` returns. Replicas evaluating one tenant take turns.
   * With a `cache`, the state this process wrote last is reused while the stored revision is
   * still its own; `work` may change that state in place (a failed run drops it from the cache).
   */
  async withEngineState<T>(
    tenantId: string,
    work: (
      tx: TenantTx,
      state: unknown,
    ) => Promise<{ state: unknown; result: T; nextDueAt?: number | null }>,
    cache?: EngineStateCache,
  ): Promise<T> {
    const written: { entry?: { revision: string; state: unknown } } = {};
    try {
      const result = await this.transaction(tenantId, async (tx) => {
        await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 7))`, [
          `alerting:${tenantId}`,
        ]);
        // The state is read only when the revision differs from the one this process holds.
        const cached = cache?.get(tenantId);
        const [row] = await tx.query<{ state: unknown; revision: string | null }>(
          `SELECT revision, CASE WHEN revision = $2 THEN NULL ELSE state END AS state
             FROM alert_engine_states WHERE tenant_id = $1`,
          [tenantId, cached?.revision ?? null],
        );
        const stored =
          cached !== undefined && row !== undefined && row.revision === cached.revision
            ? cached.state
            : row?.state;
        const { state, result, nextDueAt } = await work(tx, stored);
        const revision = randomUUID();
        await tx.query(
          `INSERT INTO alert_engine_states (tenant_id, state, next_due_at, revision, updated_at)
           VALUES ($1, $2, $3, $4, now())
           ON CONFLICT (tenant_id) DO UPDATE
             SET state = excluded.state, next_due_at = excluded.next_due_at,
                 revision = excluded.revision, updated_at = now()`,
          [
            tenantId,
            JSON.stringify(state),
            nextDueAt == null ? null : new Date(nextDueAt),
            revision,
          ],
        );
        written.entry = { revision, state };
        return result;
      });
      if (written.entry) cache?.set(tenantId, written.entry);
      return result;
    } catch (err) {
      // The work may have changed the cached objects before it failed.
      cache?.delete(tenantId);
      throw err;
    }
  }

  /** Tenants with enabled log-query or forecast rules (looked up across tenants by the owner). */
  async queryRuleTenants(): Promise<string[]> {
    const rows = await this.db.query<Array<{ tenant_id: string }>>(
      `SELECT DISTINCT tenant_id FROM alert_rules WHERE kind IN ('log_query', 'forecast') AND enabled`,
    );
    return rows.map((r) => r.tenant_id);
  }

  /**
   * Tenants the scheduler should visit: a group notification is due, or the state was not
   * looked at for `recheckMs` (silences that ended, maintenance windows).
   */
  async engineTenants(now: number, recheckMs: number): Promise<string[]> {
    const rows = await this.db.query<Array<{ tenant_id: string }>>(
      `SELECT tenant_id FROM alert_engine_states WHERE next_due_at <= $1 OR updated_at <= $2`,
      [new Date(now), new Date(now - recheckMs)],
    );
    return rows.map((r) => r.tenant_id);
  }

  /**
   * Writes alert rows in one statement (each fingerprint once). The anomalies and patterns an
   * alert named are added to those its row had.
   */
  async upsertAlerts(
    tx: TenantTx,
    rows: ReadonlyArray<Omit<AlertRow, 'updatedAt'>>,
  ): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO alerts (tenant_id, fingerprint, rule_id, labels, annotations, severity, status,
                           started_at, ended_at, group_key, incident_id, anomaly_ids, acknowledged_by,
                           pattern_ids, updated_at)
       SELECT $1, r.fingerprint, r.rule_id, r.labels, r.annotations, r.severity, r.status,
              r.started_at, r.ended_at, r.group_key, r.incident_id, r.anomaly_ids,
              r.acknowledged_by, r.pattern_ids, now()
         FROM jsonb_to_recordset($2::jsonb) AS r(
           fingerprint text, rule_id uuid, labels jsonb, annotations jsonb, severity text,
           status text, started_at timestamptz, ended_at timestamptz, group_key text,
           incident_id text, anomaly_ids uuid[], acknowledged_by text, pattern_ids text[])
       ON CONFLICT (tenant_id, fingerprint) DO UPDATE SET
         labels = excluded.labels, annotations = excluded.annotations, status = excluded.status,
         started_at = excluded.started_at, ended_at = excluded.ended_at,
         group_key = coalesce(excluded.group_key, alerts.group_key),
         incident_id = coalesce(excluded.incident_id, alerts.incident_id),
         anomaly_ids = array(SELECT DISTINCT unnest(alerts.anomaly_ids || excluded.anomaly_ids)),
         pattern_ids = array(SELECT DISTINCT unnest(alerts.pattern_ids || excluded.pattern_ids)),
         acknowledged_by = excluded.acknowledged_by, updated_at = now()`,
      [
        tx.tenantId,
        JSON.stringify(
          rows.map((a) => ({
            fingerprint: a.fingerprint,
            rule_id: a.ruleId,
            labels: a.labels,
            annotations: a.annotations,
            severity: a.severity,
            status: a.status,
            started_at: new Date(a.startedAt).toISOString(),
            ended_at: a.endedAt === null ? null : new Date(a.endedAt).toISOString(),
            group_key: a.groupKey,
            incident_id: a.incidentId,
            anomaly_ids: a.anomalyIds,
            acknowledged_by: a.acknowledgedBy,
            pattern_ids: a.patternIds,
          })),
        ),
      ],
    );
  }

  async addEvent(
    tx: TenantTx,
    fingerprint: string,
    kind: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.addEvents(tx, [{ fingerprint, kind, details }]);
  }

  /** Several timeline entries in one statement (a notification names every alert of its group). */
  async addEvents(
    tx: TenantTx,
    events: ReadonlyArray<{ fingerprint: string; kind: string; details: Record<string, unknown> }>,
  ): Promise<void> {
    if (events.length === 0) return;
    await tx.query(
      `INSERT INTO alert_events (tenant_id, fingerprint, kind, details)
       SELECT $1, f, k, d::jsonb FROM unnest($2::text[], $3::text[], $4::text[]) AS e(f, k, d)`,
      [
        tx.tenantId,
        events.map((e) => e.fingerprint),
        events.map((e) => e.kind),
        events.map((e) => JSON.stringify(e.details)),
      ],
    );
  }

  async upsertIncident(tx: TenantTx, i: IncidentRow): Promise<void> {
    await tx.query(
      `INSERT INTO incidents (tenant_id, id, title, status, opened_at, closed_at, root_cause,
                              alert_count, acknowledged_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (tenant_id, id) DO UPDATE SET
         title = excluded.title,
         status = CASE WHEN excluded.status = 'resolved' THEN 'resolved'
                       WHEN incidents.status = 'acknowledged' THEN 'acknowledged'
                       ELSE excluded.status END,
         closed_at = excluded.closed_at, root_cause = excluded.root_cause,
         alert_count = excluded.alert_count`,
      [
        tx.tenantId,
        i.id,
        i.title,
        i.status,
        new Date(i.openedAt),
        i.closedAt === null ? null : new Date(i.closedAt),
        i.rootCause === null ? null : JSON.stringify(i.rootCause),
        i.alertCount,
        i.acknowledgedBy,
      ],
    );
  }

  async insertNotification(tx: TenantTx, n: Omit<NotificationRow, 'createdAt' | 'sentAt'>) {
    await tx.query(
      `INSERT INTO notifications (tenant_id, id, group_key, channel_id, kind, status, attempts,
                                  last_error, notice, recipients)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        tx.tenantId,
        n.id,
        n.groupKey,
        n.channelId,
        n.kind,
        n.status,
        n.attempts,
        n.lastError,
        JSON.stringify(n.notice),
        n.recipients ?? null,
      ],
    );
  }

  async notification(tenantId: string, id: string): Promise<NotificationRow | null> {
    const [row] = await this.transaction(tenantId, (tx) =>
      tx.query<NotificationDb>(
        `SELECT ${NOTIFICATION_COLUMNS} FROM notifications WHERE tenant_id = $1 AND id = $2`,
        [tenantId, id],
      ),
    );
    return row ? notificationFromDb(row) : null;
  }

  async markNotification(
    tenantId: string,
    id: string,
    status: NotificationRow['status'],
    error: string | null,
    providerId?: string,
  ): Promise<void> {
    await this.transaction(tenantId, (tx) =>
      tx.query(
        `UPDATE notifications SET status = $3, last_error = $4, attempts = attempts + 1,
                sent_at = CASE WHEN $3 = 'sent' THEN now() ELSE sent_at END,
                provider_id = coalesce($5, provider_id)
          WHERE tenant_id = $1 AND id = $2`,
        [tenantId, id, status, error, providerId ?? null],
      ),
    );
  }

  /**
   * The provider id of the message that the group's latest first (or repeated) notification
   * created on the channel: follow-ups edit it in place where the channel can.
   */
  async threadOf(tenantId: string, groupKey: string, channelId: string): Promise<string | null> {
    const [row] = await this.transaction(tenantId, (tx) =>
      tx.query<{ provider_id: string }>(
        `SELECT provider_id FROM notifications
          WHERE tenant_id = $1 AND group_key = $2 AND channel_id = $3
            AND kind IN ('initial', 'repeat') AND provider_id IS NOT NULL
          ORDER BY created_at DESC LIMIT 1`,
        [tenantId, groupKey, channelId],
      ),
    );
    return row?.provider_id ?? null;
  }

  async requeueNotification(tenantId: string, id: string): Promise<boolean> {
    const rows = await this.transaction(tenantId, (tx) =>
      tx.query(
        `UPDATE notifications SET status = 'queued', last_error = NULL
          WHERE tenant_id = $1 AND id = $2 AND status IN ('dead', 'failed') RETURNING 1`,
        [tenantId, id],
      ),
    );
    return rows.length > 0;
  }

  async notifications(
    tenantId: string,
    status: NotificationRow['status'] | null,
    limit: number,
  ): Promise<NotificationRow[]> {
    const rows = await this.transaction(tenantId, (tx) =>
      tx.query<NotificationDb>(
        `SELECT ${NOTIFICATION_COLUMNS} FROM notifications
          WHERE tenant_id = $1 AND ($2::text IS NULL OR status = $2)
          ORDER BY created_at DESC, id LIMIT $3`,
        [tenantId, status, limit],
      ),
    );
    return rows.map(notificationFromDb);
  }

  async alerts(
    tenantId: string,
    q: {
      status?: string | null;
      ruleId?: string | null;
      incidentId?: string | null;
      groupKey?: string | null;
    },
    limit: number,
  ): Promise<AlertRow[]> {
    const rows = await this.transaction(tenantId, (tx) =>
      tx.query<AlertDb>(
        `SELECT ${ALERT_COLUMNS} FROM alerts
          WHERE tenant_id = $1 AND ($2::text IS NULL OR status = $2)
            AND ($3::uuid IS NULL OR rule_id = $3) AND ($4::text IS NULL OR incident_id = $4)
            AND ($6::text IS NULL OR group_key = $6)
          ORDER BY updated_at DESC, fingerprint LIMIT $5`,
        [
          tenantId,
          q.status ?? null,
          q.ruleId ?? null,
          q.incidentId ?? null,
          limit,
          q.groupKey ?? null,
        ],
      ),
    );
    return rows.map(alertFromDb);
  }

  async alert(tenantId: string, fingerprint: string): Promise<AlertRow | null> {
    const [row] = await this.transaction(tenantId, (tx) =>
      tx.query<AlertDb>(
        `SELECT ${ALERT_COLUMNS} FROM alerts WHERE tenant_id = $1 AND fingerprint = $2`,
        [tenantId, fingerprint],
      ),
    );
    return row ? alertFromDb(row) : null;
  }

  async timeline(tenantId: string, fingerprint: string): Promise<AlertEventRow[]> {
    const rows = await this.transaction(tenantId, (tx) =>
      tx.query<{ at: Date; kind: string; details: Record<string, unknown> }>(
        `SELECT at, kind, details FROM alert_events
          WHERE tenant_id = $1 AND fingerprint = $2 ORDER BY id`,
        [tenantId, fingerprint],
      ),
    );
    return rows.map((r) => ({ at: r.at.getTime(), kind: r.kind, details: r.details }));
  }

  async incidents(tenantId: string, status: string | null, limit: number): Promise<IncidentRow[]> {
    const rows = await this.transaction(tenantId, (tx) =>
      tx.query<IncidentDb>(
        `SELECT id, title, status, opened_at, closed_at, root_cause, alert_count, acknowledged_by
           FROM incidents WHERE tenant_id = $1 AND ($2::text IS NULL OR status = $2)
          ORDER BY opened_at DESC, id LIMIT $3`,
        [tenantId, status, limit],
      ),
    );
    return rows.map(incidentFromDb);
  }

  /** Counts since `from`: alerts, incidents, notifications sent, alerts never notified. */
  async stats(
    tenantId: string,
    from: Date,
  ): Promise<{ alerts: number; incidents: number; sent: number; unnotified: number }> {
    const [row] = await this.transaction(tenantId, (tx) =>
      tx.query<{ alerts: number; incidents: number; sent: number; unnotified: number }>(
        `SELECT
           (SELECT count(*)::int FROM alerts WHERE tenant_id = $1 AND started_at >= $2) AS alerts,
           (SELECT count(*)::int FROM incidents WHERE tenant_id = $1 AND opened_at >= $2) AS incidents,
           (SELECT count(*)::int FROM notifications
             WHERE tenant_id = $1 AND created_at >= $2 AND status = 'sent') AS sent,
           (SELECT count(*)::int FROM alerts a WHERE a.tenant_id = $1 AND a.started_at >= $2
              AND NOT EXISTS (SELECT 1 FROM alert_events e WHERE e.tenant_id = a.tenant_id
                                AND e.fingerprint = a.fingerprint AND e.kind = 'notification')
           ) AS unnotified`,
        [tenantId, from],
      ),
    );
    return row as { alerts: number; incidents: number; sent: number; unnotified: number };
  }

  async acknowledgeIncident(tx: TenantTx, id: string, by: string): Promise<boolean> {
    const rows = await tx.query(
      `UPDATE incidents SET status = 'acknowledged', acknowledged_by = $3, acknowledged_at = now()
        WHERE tenant_id = $1 AND id = $2 AND status = 'open' RETURNING 1`,
      [tx.tenantId, id, by],
    );
    return rows.length > 0;
  }

  async addFeedback(
    tx: TenantTx,
    f: {
      id: string;
      fingerprint: string;
      ruleId: string | null;
      patternIds: string[];
      verdict: string;
      by: string;
      via: string;
    },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO alert_feedback (tenant_id, id, fingerprint, rule_id, pattern_ids, verdict,
                                   given_by, via)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [tx.tenantId, f.id, f.fingerprint, f.ruleId, f.patternIds, f.verdict, f.by, f.via],
    );
    if (f.ruleId !== null && (f.verdict === 'not_useful' || f.verdict === 'useful')) {
      // The rule's own weight: 10% less per "not useful", won back by "useful" (at most 1).
      await tx.query(
        `UPDATE alert_rules
            SET weight = CASE WHEN $3 = 'not_useful' THEN greatest(0.1, weight * 0.9)
                              ELSE least(1, weight / 0.9) END
          WHERE tenant_id = $1 AND id = $2`,
        [tx.tenantId, f.ruleId, f.verdict],
      );
    }
  }

  /**
   * The verdicts of the last FEEDBACK_DAYS on each rule+pattern (pattern null: alerts that
   * named none), for the pattern weights rules apply to anomaly scores.
   */
  async feedbackCounts(tenantId: string, ruleId?: string): Promise<FeedbackCount[]> {
    const rows = await this.transaction(tenantId, (tx) =>
      tx.query<{ rule_id: string; pattern_id: string; not_useful: string; useful: string }>(
        `SELECT f.rule_id, p.pattern_id,
                count(*) FILTER (WHERE f.verdict = 'not_useful') AS not_useful,
                count(*) FILTER (WHERE f.verdict = 'useful') AS useful
           FROM alert_feedback f
           CROSS JOIN LATERAL unnest(
             CASE WHEN cardinality(f.pattern_ids) = 0 THEN ARRAY[''] ELSE f.pattern_ids END
           ) AS p(pattern_id)
          WHERE f.tenant_id = $1 AND f.rule_id IS NOT NULL
            AND ($2::uuid IS NULL OR f.rule_id = $2)
            AND f.at > now() - make_interval(days => $3)
            AND f.verdict IN ('not_useful', 'useful')
          GROUP BY f.rule_id, p.pattern_id`,
        [tenantId, ruleId ?? null, FEEDBACK_DAYS],
      ),
    );
    return rows.map((r) => ({
      ruleId: r.rule_id,
      patternId: r.pattern_id === '' ? null : r.pattern_id,
      notUseful: Number(r.not_useful),
      useful: Number(r.useful),
    }));
  }
}

interface AlertDb {
  fingerprint: string;
  rule_id: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  severity: string;
  status: AlertRow['status'];
  started_at: Date;
  ended_at: Date | null;
  updated_at: Date;
  group_key: string | null;
  incident_id: string | null;
  anomaly_ids: string[];
  pattern_ids: string[];
  acknowledged_by: string | null;
}

interface NotificationDb {
  id: string;
  group_key: string;
  channel_id: string;
  kind: string;
  status: NotificationRow['status'];
  attempts: number;
  last_error: string | null;
  notice: AlertNotice;
  recipients: string[] | null;
  created_at: Date;
  sent_at: Date | null;
}

interface IncidentDb {
  id: string;
  title: string;
  status: IncidentRow['status'];
  opened_at: Date;
  closed_at: Date | null;
  root_cause: IncidentRow['rootCause'];
  alert_count: number;
  acknowledged_by: string | null;
}

function alertFromDb(r: AlertDb): AlertRow {
  return {
    fingerprint: r.fingerprint,
    ruleId: r.rule_id,
    labels: r.labels,
    annotations: r.annotations,
    severity: r.severity,
    status: r.status,
    startedAt: r.started_at.getTime(),
    endedAt: r.ended_at?.getTime() ?? null,
    updatedAt: r.updated_at.getTime(),
    groupKey: r.group_key,
    incidentId: r.incident_id,
    anomalyIds: r.anomaly_ids,
    patternIds: r.pattern_ids,
    acknowledgedBy: r.acknowledged_by,
  };
}

function notificationFromDb(r: NotificationDb): NotificationRow {
  return {
    id: r.id,
    groupKey: r.group_key,
    channelId: r.channel_id,
    kind: r.kind,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    notice: r.notice,
    ...(r.recipients === null ? {} : { recipients: r.recipients }),
    createdAt: r.created_at.getTime(),
    sentAt: r.sent_at?.getTime() ?? null,
  };
}

function incidentFromDb(r: IncidentDb): IncidentRow {
  return {
    id: r.id,
    title: r.title,
    status: r.status,
    openedAt: r.opened_at.getTime(),
    closedAt: r.closed_at?.getTime() ?? null,
    rootCause: r.root_cause,
    alertCount: r.alert_count,
    acknowledgedBy: r.acknowledged_by,
  };
}
