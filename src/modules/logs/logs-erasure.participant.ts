import { Injectable, type OnModuleInit } from '@nestjs/common';

import type {
  ErasureCounts,
  ErasureParticipant,
  ExportSink,
  SubjectIdentifiers,
} from '../../common/privacy/erasure-participant';
import { ErasureRegistry } from '../../common/privacy/erasure-registry';
import { SubjectMatcher } from '../../common/privacy/subject-matcher';
import { LogStore } from './log-store.port';

/** Logs take part in exports and erasures through the LogStore port, whatever the store. */
@Injectable()
export class LogsErasureParticipant implements ErasureParticipant, OnModuleInit {
  readonly name = 'logs';
  readonly order = 100;
  readonly tables = ['logs'];

  constructor(
    private readonly store: LogStore,
    private readonly registry: ErasureRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async exportTenant(tenantId: string, sink: ExportSink): Promise<ErasureCounts> {
    let records = 0;
    for await (const page of this.store.exportTenant(tenantId)) {
      for (const r of page) {
        await sink.write('logs', {
          ...r,
          timestamp: new Date(r.timestamp).toISOString(),
          observedTimestamp: new Date(r.observedTimestamp).toISOString(),
        });
      }
      records += page.length;
    }
    return { 'logs.records': records };
  }

  async eraseTenant(tenantId: string): Promise<ErasureCounts> {
    return { 'logs.records': await this.store.eraseTenant(tenantId) };
  }

  async eraseSubject(tenantId: string, identifiers: SubjectIdentifiers): Promise<ErasureCounts> {
    const erased = await this.store.eraseSubject(tenantId, new SubjectMatcher(identifiers));
    return { 'logs.records': erased.records, 'logs.fields': erased.fields };
  }
}
