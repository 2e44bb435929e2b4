import { Injectable, type OnModuleInit } from '@nestjs/common';

import type {
  ErasureCounts,
  ErasureParticipant,
  ExportSink,
  SubjectIdentifiers,
} from '../../common/privacy/erasure-participant';
import { ErasureRegistry } from '../../common/privacy/erasure-registry';
import { redactDeep } from '../../common/privacy/redact-deep';
import { SubjectMatcher } from '../../common/privacy/subject-matcher';
import { AlertRepository } from './alert.repository';

/** Each table with text a data subject may appear in, and the columns that hold it. */
const SUBJECT_COLUMNS: ReadonlyArray<{ table: string; key: string; columns: readonly string[] }> = [
  { table: 'alerts', key: 'fingerprint', columns: ['labels', 'annotations'] },
  { table: 'alert_events', key: 'id', columns: ['details'] },
  { table: 'notifications', key: 'id', columns: ['notice'] },
  { table: 'incidents', key: 'id', columns: ['title', 'root_cause'] },
  { table: 'alert_feedback', key: 'id', columns: ['given_by'] },
  { table: 'alert_silences', key: 'id', columns: ['created_by', 'comment'] },
  { table: 'alert_engine_states', key: 'tenant_id', columns: ['state'] },
];

/**
 * Alerting in GDPR jobs. The tenant's alerting tables are exported and erased with every other
 * tenant table (the privacy module's generic participant); a data subject's identifiers are
 * replaced here wherever alert texts may hold them: labels and explanations, the timeline,
 * notification payloads, incidents, feedback and silences, and the engine state.
 */
@Injectable()
export class AlertingErasureParticipant implements ErasureParticipant, OnModuleInit {
  readonly name = 'alerting';
  readonly order = 130;

  constructor(
    private readonly registry: ErasureRegistry,
    private readonly repo: AlertRepository,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  exportTenant(_tenantId: string, _sink: ExportSink): Promise<ErasureCounts> {
    return Promise.resolve({});
  }

  eraseTenant(_tenantId: string): Promise<ErasureCounts> {
    return Promise.resolve({});
  }

  async eraseSubject(tenantId: string, identifiers: SubjectIdentifiers): Promise<ErasureCounts> {
    const matcher = new SubjectMatcher(identifiers);
    const counts: ErasureCounts = {};
    await this.repo.withEngineState(tenantId, async (tx, state) => {
      for (const { table, key, columns } of SUBJECT_COLUMNS) {
        if (table === 'alert_engine_states') continue;
        const rows = await tx.query<Record<string, unknown>>(
          `SELECT ${key} AS key, ${columns.join(', ')} FROM ${table} WHERE tenant_id = $1 FOR UPDATE`,
          [tenantId],
        );
        let changed = 0;
        for (const row of rows) {
          let hits = 0;
          const values = columns.map((c) => {
            const r = redactDeep(row[c], matcher);
            hits += r.hits;
            return r.value;
          });
          if (hits === 0) continue;
          const sets = columns.map((c, i) => `${c} = $${i + 3}`).join(', ');
          await tx.query(`UPDATE ${table} SET ${sets} WHERE tenant_id = $1 AND ${key} = $2`, [
            tenantId,
            row.key,
            ...values.map((v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : v)),
          ]);
          changed++;
        }
        counts[`alerting.${table}`] = changed;
      }
      const r = redactDeep(state ?? null, matcher);
      counts['alerting.engine_state'] = r.hits > 0 ? 1 : 0;
      return { state: r.value, result: undefined };
    });
    return counts;
  }
}
