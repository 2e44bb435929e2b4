import { Module } from '@nestjs/common';

import { ErasureRegistryModule } from '../../common/privacy/erasure-registry';
import { AuditErasureParticipant } from './audit-erasure.participant';
import { AuditRepository } from './audit.repository';
import { AuditResolver } from './audit.resolver';
import { AuditService } from './audit.service';

/** The audit log. Other modules import it and call `AuditService.record`. */
@Module({
  // Explicit, not only global: the CLI builds a smaller application without it.
  imports: [ErasureRegistryModule],
  providers: [AuditRepository, AuditService, AuditResolver, AuditErasureParticipant],
  exports: [AuditService],
})
export class AuditModule {}
