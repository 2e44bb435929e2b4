import { Module } from '@nestjs/common';

import { AuditErasureParticipant } from './audit-erasure.participant';
import { AuditRepository } from './audit.repository';
import { AuditResolver } from './audit.resolver';
import { AuditService } from './audit.service';

/** The audit log. Other modules import it and call `AuditService.record`. */
@Module({
  providers: [AuditRepository, AuditService, AuditResolver, AuditErasureParticipant],
  exports: [AuditService],
})
export class AuditModule {}
