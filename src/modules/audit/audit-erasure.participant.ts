import { Injectable, type OnModuleInit } from '@nestjs/common';

import type {
  ErasureCounts,
  ErasureParticipant,
  SubjectIdentifiers,
} from '../../common/privacy/erasure-participant';
import { ErasureRegistry } from '../../common/privacy/erasure-registry';
import { AuditService } from './audit.service';

/**
 * The audit log in GDPR jobs. Export and tenant erasure are left to the privacy module's generic
 * tenant-tables participant (it deletes with the audit log's maintenance flag on); a data
 * subject's erasure clears the subject's e-mail, id-bound labels and addresses from the entries
 * while keeping what happened and when.
 */
@Injectable()
export class AuditErasureParticipant implements ErasureParticipant, OnModuleInit {
  readonly name = 'audit';
  readonly order = 100;

  constructor(
    private readonly registry: ErasureRegistry,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  exportTenant(): Promise<ErasureCounts> {
    return Promise.resolve({});
  }

  eraseTenant(): Promise<ErasureCounts> {
    return Promise.resolve({});
  }

  async eraseSubject(tenantId: string, ids: SubjectIdentifiers): Promise<ErasureCounts> {
    let changed = 0;
    for (const email of ids.emails) changed += await this.audit.eraseSubject(tenantId, { email });
    for (const userId of ids.userIds)
      changed += await this.audit.eraseSubject(tenantId, { userId });
    for (const ip of ids.ips) changed += await this.audit.eraseSubject(tenantId, { ip });
    return { 'audit_log.entries': changed };
  }
}
