import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { inTenantTransaction, type TenantTx } from '../../common/database/tenant-transaction';
import {
  mergeParamStatsList,
  MAX_EXAMPLES,
  type ParamStats,
  type PatternDelta,
  type Rekey,
} from './pattern-accumulator';

export interface PatternRow {
  service: string;
  id: string;
  template: string;
  name: string | null;
  firstSeen: Date;
  lastSeen: Date;
  count: number;
  examples: string[];
  paramStats: ParamStats[];
  aliases: string[];
  mergedInto: string | null;
  pinned: boolean;
  userDefined: boolean;
}

/** A row with its counts over a range, split in halves for the trend. */
export interface PatternRangeRow extends PatternRow {
  rangeCount: number;
  firstHalf: number;
  secondHalf: number;
}

interface DbRow {
  service: string;
  id: string;
  template: string;
  name: string | null;
  first_seen: Date;
  last_seen: Date;
  count: string;
  examples: string[];
  param_stats: ParamStats[];
  aliases: string[];
  merged_into: string | null;
  pinned: boolean;
  user_defined: boolean;
}

const COLUMNS =
  'service, id, template, name, first_seen, last_seen, count, examples, param_stats, aliases, merged_into, pinned, user_defined';

export interface StoredSnapshot {
  state: unknown;
  version: string;
}

/**
 * The only file of the patterns module that touches the database. Every statement runs in a
 * tenant transaction as `vigil_app` (row-level security) and names its tenant too.
 */
@Injectable()
export class PatternRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(tenantId: string, work: (tx: TenantTx) => Promise<T>): Promise<T> {
    return inTenantTransaction(this.db, tenantId, work);
  }

  /** Tenants with a pattern seen since `since` (looked up across tenants, by the owner). */
  async activeTenants(since: Date): Promise<string[]> {
    const rows = await this.db.query<Array<{ tenant_id: string }>>(
      `SELECT DISTINCT tenant_id FROM patterns WHERE last_seen > $1`,
      [since],
    );
    return rows.map((r) => r.tenant_id);
  }

  async loadSnapshots(tenantId: string): Promise<Array<{ service: string; state: unknown }>> {
    return this.transaction(tenantId, (tx) =>
      tx.query<{ service: string; state: unknown }>(
        'SELECT service, state FROM template_snapshots WHERE tenant_id = $1',
        [tenantId],
      ),
    );
  }

  /** One tree's checkpoint; `version` is its write time as Postgres prints it. */
  async loadSnapshot(tenantId: string, service: string): Promise<StoredSnapshot | null> {
    const [row] = await this.transaction(tenantId, (tx) =>
      tx.query<StoredSnapshot>(
        `SELECT state, updated_at::text AS version FROM template_snapshots
          WHERE tenant_id = $1 AND service = $2`,
        [tenantId, service],
      ),
    );
    return row ?? null;
  }

  /**
   * Replaces one tree's checkpoint with what `merge` makes of the stored one (null when there is
   * none), holding the row lock meanwhile, so replicas checkpointing the same tree take turns and
   * none overwrites what another learned. Returns the new version.
   */
  async checkpointSnapshot(
    tenantId: string,
    service: string,
    merge: (stored: StoredSnapshot | null) => unknown,
  ): Promise<string> {
    return this.transaction(tenantId, async (tx) => {
      const [stored] = await tx.query<StoredSnapshot>(
        `SELECT state, updated_at::text AS version FROM template_snapshots
          WHERE tenant_id = $1 AND service = $2 FOR UPDATE`,
        [tenantId, service],
      );
      const state = merge(stored ?? null);
      const [saved] = await tx.query<{ version: string }>(
        `INSERT INTO template_snapshots (tenant_id, service, state, updated_at)
         VALUES ($1, $2, $3, clock_timestamp())
         ON CONFLICT (tenant_id, service)
           DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at
         RETURNING updated_at::text AS version`,
        [tenantId, service, JSON.stringify(state)],
      );
      return (saved as { version: string }).version;
    });
  }

  /** What users decided (their patterns, merges, pins): re-applied to a restored miner. */
  async loadOverrides(tenantId: string): Promise<PatternRow[]> {
    return this.transaction(tenantId, async (tx) =>
      (
        await tx.query<DbRow>(
          `SELECT ${COLUMNS} FROM patterns
            WHERE tenant_id = $1 AND (user_defined OR pinned OR merged_into IS NOT NULL)`,
          [tenantId],
        )
      ).map(fromDb),
    );
  }

  /** Applies one tenant's re-keys, then adds its deltas to the catalogue and the hourly counts. */
  async flush(tenantId: string, rekeys: readonly Rekey[], deltas: readonly PatternDelta[]) {
    await this.transaction(tenantId, async (tx) => {
      for (const r of rekeys) await this.rekey(tx, r);
      if (deltas.length === 0) return;
      // One lock order for every replica's flush, so two flushes of a tenant cannot deadlock.
      deltas = [...deltas].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
      const ids = deltas.map((d) => d.id);
      const stored = new Map(
        (
          await tx.query<{ id: string; examples: string[]; param_stats: ParamStats[] }>(
            `SELECT id, examples, param_stats FROM patterns
              WHERE tenant_id = $1 AND id = ANY($2::text[]) ORDER BY id FOR UPDATE`,
            [tenantId, ids],
          )
        ).map((r) => [r.id, r]),
      );
      const examples = deltas.map((d) => {
        const old = stored.get(d.id)?.examples ?? [];
        return JSON.stringify([...old, ...d.examples].slice(0, MAX_EXAMPLES));
      });
      const stats = deltas.map((d) =>
        JSON.stringify(mergeParamStatsList(stored.get(d.id)?.param_stats ?? [], d.params)),
      );
      await tx.query(
        `INSERT INTO patterns (tenant_id, service, id, template, first_seen, last_seen, count, examples, param_stats, aliases)
         SELECT $1, u.service, u.id, u.template, u.first_seen, u.last_seen, u.count, u.examples, u.stats,
                array(SELECT jsonb_array_elements_text(u.aliases))
           FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[],
                       $7::bigint[], $8::jsonb[], $9::jsonb[], $10::jsonb[])
                AS u(service, id, template, first_seen, last_seen, count, examples, stats, aliases)
         ON CONFLICT (tenant_id, id) DO UPDATE SET
           template = CASE WHEN patterns.user_defined THEN patterns.template ELSE excluded.template END,
           first_seen = least(patterns.first_seen, excluded.first_seen),
           last_seen = greatest(patterns.last_seen, excluded.last_seen),
           count = patterns.count + excluded.count,
           examples = excluded.examples,
           param_stats = excluded.param_stats,
           aliases = array(SELECT DISTINCT unnest(patterns.aliases || excluded.aliases))`,
        [
          tenantId,
          deltas.map((d) => d.service),
          ids,
          deltas.map((d) => d.template),
          deltas.map((d) => new Date(d.firstSeen)),
          deltas.map((d) => new Date(d.lastSeen)),
          deltas.map((d) => d.count),
          examples,
          stats,
          deltas.map((d) => JSON.stringify(d.aliases)),
        ],
      );
      const hourIds: string[] = [];
      const hours: Date[] = [];
      const counts: number[] = [];
      for (const d of deltas) {
        for (const [hour, n] of d.hours) {
          hourIds.push(d.id);
          hours.push(new Date(hour));
          counts.push(n);
        }
      }
      await tx.query(
        `INSERT INTO pattern_counts (tenant_id, pattern_id, hour, count)
         SELECT $1, u.id, u.hour, u.n FROM unnest($2::text[], $3::timestamptz[], $4::bigint[]) AS u(id, hour, n)
         ON CONFLICT (tenant_id, pattern_id, hour) DO UPDATE SET count = pattern_counts.count + excluded.count`,
        [tenantId, hourIds, hours, counts],
      );
    });
  }

  /**
   * Moves a pattern row (and its hourly counts) to a new id, keeping the old one as an alias; when
   * a row with the new id exists already, the old one is folded into it.
   */
  async rekey(tx: TenantTx, r: Rekey): Promise<void> {
    const [old] = await tx.query<DbRow>(
      `SELECT ${COLUMNS} FROM patterns WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
      [tx.tenantId, r.from],
    );
    if (!old) return;
    const [into] = await tx.query<DbRow>(
      `SELECT ${COLUMNS} FROM patterns WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
      [tx.tenantId, r.to],
    );
    if (!into) {
      await tx.query(
        `UPDATE patterns SET id = $3, template = $4, param_stats = '[]',
                aliases = array(SELECT DISTINCT unnest(aliases || $2::text))
          WHERE tenant_id = $1 AND id = $2`,
        [tx.tenantId, r.from, r.to, r.template],
      );
    } else {
      // The old template's <*> positions are not the new one's: its statistics are dropped.
      await this.fold(tx, { ...fromDb(old), paramStats: [] }, fromDb(into));
      await tx.query('DELETE FROM patterns WHERE tenant_id = $1 AND id = $2', [
        tx.tenantId,
        r.from,
      ]);
    }
    await this.moveCounts(tx, r.from, r.to);
  }

  /** Adds `from`'s totals, examples, statistics and ids into `into`. */
  async fold(tx: TenantTx, from: PatternRow, into: PatternRow): Promise<void> {
    await tx.query(
      `UPDATE patterns SET
          count = count + $3, first_seen = least(first_seen, $4), last_seen = greatest(last_seen, $5),
          examples = $6, param_stats = $7,
          aliases = array(SELECT DISTINCT unnest(aliases || $8::text[]))
        WHERE tenant_id = $1 AND id = $2`,
      [
        tx.tenantId,
        into.id,
        from.count,
        from.firstSeen,
        from.lastSeen,
        JSON.stringify([...into.examples, ...from.examples].slice(0, MAX_EXAMPLES)),
        JSON.stringify(mergeParamStatsList(into.paramStats, from.paramStats)),
        [from.id, ...from.aliases],
      ],
    );
  }

  async moveCounts(tx: TenantTx, from: string, to: string): Promise<void> {
    await tx.query(
      `INSERT INTO pattern_counts (tenant_id, pattern_id, hour, count)
       SELECT tenant_id, $3, hour, count FROM pattern_counts WHERE tenant_id = $1 AND pattern_id = $2
       ON CONFLICT (tenant_id, pattern_id, hour) DO UPDATE SET count = pattern_counts.count + excluded.count`,
      [tx.tenantId, from, to],
    );
    await tx.query('DELETE FROM pattern_counts WHERE tenant_id = $1 AND pattern_id = $2', [
      tx.tenantId,
      from,
    ]);
  }

  /** A live (not merged away) pattern by its id or one of its aliases. */
  async find(tx: TenantTx, idOrAlias: string): Promise<PatternRow | null> {
    const [row] = await tx.query<DbRow>(
      `SELECT ${COLUMNS} FROM patterns
        WHERE tenant_id = $1 AND merged_into IS NULL AND (id = $2 OR $2 = ANY(aliases))
        ORDER BY (id = $2) DESC LIMIT 1`,
      [tx.tenantId, idOrAlias],
    );
    return row ? fromDb(row) : null;
  }

  /** Live patterns, most frequent over [from, to) first, with counts for each half of it. */
  async list(
    tx: TenantTx,
    filter: { services?: readonly string[]; search?: string; from: Date; to: Date },
    offset: number,
    limit: number,
  ): Promise<PatternRangeRow[]> {
    const mid = new Date((filter.from.getTime() + filter.to.getTime()) / 2);
    const rows = await tx.query<
      DbRow & { range_count: string; first_half: string; second_half: string }
    >(
      `SELECT ${COLUMNS.split(', ')
        .map((c) => `p.${c}`)
        .join(', ')},
              coalesce(c.total, 0) AS range_count, coalesce(c.first_half, 0) AS first_half,
              coalesce(c.second_half, 0) AS second_half
         FROM patterns p
         LEFT JOIN LATERAL (
           SELECT sum(pc.count) AS total,
                  sum(pc.count) FILTER (WHERE pc.hour < $4) AS first_half,
                  sum(pc.count) FILTER (WHERE pc.hour >= $4) AS second_half
             FROM pattern_counts pc
            WHERE pc.tenant_id = p.tenant_id AND pc.pattern_id = p.id
              AND pc.hour >= date_trunc('hour', $2::timestamptz) AND pc.hour < $3
         ) c ON true
        WHERE p.tenant_id = $1 AND p.merged_into IS NULL
          AND ($5::text[] IS NULL OR p.service = ANY($5::text[]))
          AND ($6::text IS NULL OR p.template ILIKE $6 OR p.name ILIKE $6 OR p.id = $7)
          AND (p.user_defined OR coalesce(c.total, 0) > 0)
        ORDER BY range_count DESC, p.id
        OFFSET $8 LIMIT $9`,
      [
        tx.tenantId,
        filter.from,
        filter.to,
        mid,
        filter.services?.length ? filter.services : null,
        filter.search ? `%${filter.search.replace(/[\\%_]/g, '\\$&')}%` : null,
        filter.search ?? null,
        offset,
        limit,
      ],
    );
    return rows.map((r) => ({
      ...fromDb(r),
      rangeCount: Number(r.range_count),
      firstHalf: Number(r.first_half),
      secondHalf: Number(r.second_half),
    }));
  }

  async rename(tx: TenantTx, id: string, name: string | null): Promise<void> {
    await tx.query('UPDATE patterns SET name = $3 WHERE tenant_id = $1 AND id = $2', [
      tx.tenantId,
      id,
      name,
    ]);
  }

  /** Folds `from` into `into` and keeps `from` as a merge record (re-applied on restore). */
  async merge(tx: TenantTx, from: PatternRow, into: PatternRow): Promise<void> {
    await this.fold(tx, from, into);
    await this.moveCounts(tx, from.id, into.id);
    await tx.query(
      `UPDATE patterns SET merged_into = $3, count = 0, pinned = true
        WHERE tenant_id = $1 AND (id = $2 OR merged_into = $2)`,
      [tx.tenantId, from.id, into.id],
    );
  }

  async setPinned(tx: TenantTx, id: string, pinned: boolean): Promise<void> {
    await tx.query('UPDATE patterns SET pinned = $3 WHERE tenant_id = $1 AND id = $2', [
      tx.tenantId,
      id,
      pinned,
    ]);
  }

  async insertUserPattern(tx: TenantTx, service: string, id: string, template: string) {
    const now = new Date();
    await tx.query(
      `INSERT INTO patterns (tenant_id, service, id, template, first_seen, last_seen, user_defined, pinned)
       VALUES ($1, $2, $3, $4, $5, $5, true, true)
       ON CONFLICT (tenant_id, id) DO UPDATE SET user_defined = true, pinned = true, merged_into = NULL`,
      [tx.tenantId, service, id, template, now],
    );
  }

  async exportRows(tenantId: string): Promise<{
    patterns: PatternRow[];
    counts: Array<{ pattern_id: string; hour: Date; count: string }>;
  }> {
    return this.transaction(tenantId, async (tx) => ({
      patterns: (
        await tx.query<DbRow>(`SELECT ${COLUMNS} FROM patterns WHERE tenant_id = $1 ORDER BY id`, [
          tenantId,
        ])
      ).map(fromDb),
      counts: await tx.query(
        `SELECT pattern_id, hour, count FROM pattern_counts WHERE tenant_id = $1 ORDER BY pattern_id, hour`,
        [tenantId],
      ),
    }));
  }

  /** Tenants with hourly counts (owner role: the retention pass crosses tenants). */
  async tenantsWithCounts(): Promise<string[]> {
    const rows = await this.db.query<Array<{ tenant_id: string }>>(
      'SELECT DISTINCT tenant_id FROM pattern_counts',
    );
    return rows.map((r) => r.tenant_id);
  }

  /** Deletes a tenant's hourly counts of hours before `cutoff`; returns how many went. */
  async deleteCountsBefore(tenantId: string, cutoff: Date): Promise<number> {
    return this.transaction(tenantId, async (tx) => {
      const rows = await tx.query(
        'DELETE FROM pattern_counts WHERE tenant_id = $1 AND hour < $2 RETURNING 1',
        [tenantId, cutoff],
      );
      return rows.length;
    });
  }

  async eraseTenant(tenantId: string): Promise<Record<string, number>> {
    return this.transaction(tenantId, async (tx) => {
      const out: Record<string, number> = {};
      for (const table of ['pattern_counts', 'patterns', 'template_snapshots']) {
        const rows = await tx.query(`DELETE FROM ${table} WHERE tenant_id = $1 RETURNING 1`, [
          tenantId,
        ]);
        out[table] = rows.length;
      }
      return out;
    });
  }

  /** Rewrites template, examples and parameter statistics of the rows `rewrite` changes. */
  async rewriteRows(
    tenantId: string,
    rewrite: (
      row: PatternRow,
    ) => { template: string; examples: string[]; paramStats: ParamStats[] } | null,
  ): Promise<number> {
    return this.transaction(tenantId, async (tx) => {
      const rows = (
        await tx.query<DbRow>(`SELECT ${COLUMNS} FROM patterns WHERE tenant_id = $1 FOR UPDATE`, [
          tenantId,
        ])
      ).map(fromDb);
      let changed = 0;
      for (const row of rows) {
        const next = rewrite(row);
        if (next === null) continue;
        await tx.query(
          `UPDATE patterns SET template = $3, examples = $4, param_stats = $5
            WHERE tenant_id = $1 AND id = $2`,
          [
            tenantId,
            row.id,
            next.template,
            JSON.stringify(next.examples),
            JSON.stringify(next.paramStats),
          ],
        );
        changed++;
      }
      return changed;
    });
  }

  /** Drops the snapshots (they hold learned templates, which may contain a subject's values). */
  async deleteSnapshots(tenantId: string): Promise<number> {
    return this.transaction(
      tenantId,
      async (tx) =>
        (
          await tx.query('DELETE FROM template_snapshots WHERE tenant_id = $1 RETURNING 1', [
            tenantId,
          ])
        ).length,
    );
  }
}

function fromDb(r: DbRow): PatternRow {
  return {
    service: r.service,
    id: r.id,
    template: r.template,
    name: r.name,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    count: Number(r.count),
    examples: r.examples,
    paramStats: r.param_stats,
    aliases: r.aliases,
    mergedInto: r.merged_into,
    pinned: r.pinned,
    userDefined: r.user_defined,
  };
}
