import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type QueryRunner } from 'typeorm';

import type {
  ErasureCounts,
  ErasureParticipant,
  ExportSink,
} from '../../common/privacy/erasure-participant';
import { ErasureRegistry } from '../../common/privacy/erasure-registry';
import { RevocationBus } from '../tenancy/revocation-bus';

/** Columns never exported: credentials and sealed secrets, whatever table they are in. */
const UNEXPORTED_COLUMN = /hash|secret|password|token|sealed|cipher|salt|private/i;
/** Foreign-key violation: a row still referenced from a table not yet emptied. */
const FK_VIOLATION = '23503';
const PAGE = 500;

interface TenantTable {
  name: string;
  /** Exported columns (everything but UNEXPORTED_COLUMN names and binary columns). */
  columns: string[];
}

/**
 * The tenant itself and every Postgres table with a `tenant_id` column that no other participant
 * covers (`ErasureParticipant.tables`): found in the catalogue at run time, so a table added by a
 * later migration is exported and erased even before its module registers a participant. Order 0:
 * exported first, erased last (the `tenants` row goes at the very end).
 */
@Injectable()
export class TenantTablesParticipant implements ErasureParticipant, OnModuleInit {
  readonly name = 'tenant-tables';
  readonly order = 0;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly registry: ErasureRegistry,
    private readonly bus: RevocationBus,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async exportTenant(tenantId: string, sink: ExportSink): Promise<ErasureCounts> {
    const counts: ErasureCounts = {};
    const tables = [await this.table('tenants'), ...(await this.tenantTables())];
    const runner = this.db.createQueryRunner();
    try {
      await runner.connect();
      await runner.startTransaction('REPEATABLE READ');
      for (const table of tables) {
        const key = table.name === 'tenants' ? 'id' : 'tenant_id';
        counts[table.name] = await this.streamTable(runner, table, key, tenantId, sink);
      }
      await runner.commitTransaction();
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw err;
    } finally {
      await runner.release();
    }
    return counts;
  }

  async eraseTenant(tenantId: string): Promise<ErasureCounts> {
    const counts: ErasureCounts = {};
    const keys = await this.db.query<Array<{ id: string }>>(
      'SELECT id FROM api_keys WHERE tenant_id = $1',
      [tenantId],
    );
    let pending = (await this.tenantTables()).map((t) => t.name);
    // Tables referencing each other are emptied in whatever order their keys allow.
    while (pending.length > 0) {
      const blocked: string[] = [];
      let lastError: unknown = null;
      for (const name of pending) {
        try {
          const result = await this.deleteAsMaintenance(
            `DELETE FROM ${quoteIdent(name)} WHERE tenant_id = $1`,
            tenantId,
          );
          counts[name] = (counts[name] ?? 0) + affected(result);
        } catch (err) {
          if ((err as { code?: string }).code !== FK_VIOLATION) throw err;
          blocked.push(name);
          lastError = err;
        }
      }
      if (blocked.length === pending.length) throw lastError;
      pending = blocked;
    }
    const result = await this.deleteAsMaintenance('DELETE FROM tenants WHERE id = $1', tenantId);
    counts.tenants = affected(result);
    // Keys of a deleted tenant must stop working now, on every replica (this one included: the
    // bus delivers locally before `publish` returns), not when caches expire.
    for (const { id } of keys) await this.bus.publish({ kind: 'api_key', id, tenantId });
    return counts;
  }

  /**
   * One DELETE in its own transaction with `vigil.audit_maintenance` on: the audit log refuses
   * deletes otherwise (migrations/1764170000000-audit-secrets.ts), and erasing a tenant is one of
   * the two deliberate reasons to remove its entries.
   */
  private deleteAsMaintenance(sql: string, tenantId: string): Promise<unknown> {
    return this.db.transaction(async (em) => {
      await em.query(`SELECT set_config('vigil.audit_maintenance', 'on', true)`);
      return (await em.query(sql, [tenantId])) as unknown;
    });
  }

  /** Tenant metadata holds no log content; modules whose tables hold personal data erase it themselves. */
  eraseSubject(): Promise<ErasureCounts> {
    return Promise.resolve({});
  }

  private async streamTable(
    runner: QueryRunner,
    table: TenantTable,
    key: string,
    tenantId: string,
    sink: ExportSink,
  ): Promise<number> {
    const cursor = `export_${table.name}`;
    await runner.query(
      `DECLARE ${quoteIdent(cursor)} NO SCROLL CURSOR FOR
         SELECT ${table.columns.map(quoteIdent).join(', ')} FROM ${quoteIdent(table.name)}
          WHERE ${key} = $1`,
      [tenantId],
    );
    let n = 0;
    for (;;) {
      const rows = (await runner.query(`FETCH ${PAGE} FROM ${quoteIdent(cursor)}`)) as Array<
        Record<string, unknown>
      >;
      for (const row of rows) await sink.write(table.name, row);
      n += rows.length;
      if (rows.length < PAGE) break;
    }
    await runner.query(`CLOSE ${quoteIdent(cursor)}`);
    return n;
  }

  /** Tables (not partitions) with a `tenant_id` column, minus those another participant covers. */
  private async tenantTables(): Promise<TenantTable[]> {
    const covered = this.registry.coveredTables();
    const rows: Array<{ name: string }> = await this.db.query(
      `SELECT c.relname AS name FROM pg_class c
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
        WHERE c.relnamespace = current_schema()::regnamespace
          AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        ORDER BY c.relname`,
    );
    const names = rows.map((r) => r.name).filter((name) => !covered.has(name));
    return Promise.all(names.map((name) => this.table(name)));
  }

  private async table(name: string): Promise<TenantTable> {
    const rows: Array<{ name: string; type: string }> = await this.db.query(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a
        WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum`,
      [quoteIdent(name)],
    );
    return {
      name,
      columns: rows
        .filter((c) => c.type !== 'bytea' && !UNEXPORTED_COLUMN.test(c.name))
        .map((c) => c.name),
    };
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Rows affected by a DELETE through `DataSource.query` (TypeORM returns `[rows, count]`). */
function affected(result: unknown): number {
  return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
}
