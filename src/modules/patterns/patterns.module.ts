import { Module } from '@nestjs/common';

import { ErasureRegistryModule } from '../../common/privacy/erasure-registry';
import { TenantConfigBusModule } from '../../common/config-bus/tenant-config-bus.module';
import { PatternAliases } from '../logs/pattern-aliases.port';
import { PatternCatalogService } from './pattern-catalog.service';
import { PatternRepository } from './pattern.repository';
import { PatternsErasureParticipant } from './patterns-erasure.participant';
import { PatternsResolver } from './patterns.resolver';
import { PatternsService } from './patterns.service';

/**
 * Log patterns: the ingest pipeline mines every record through `PatternsService.assign`; the
 * catalogue, its GraphQL and its GDPR participant live here too.
 */
@Module({
  imports: [ErasureRegistryModule, TenantConfigBusModule],
  providers: [
    PatternRepository,
    PatternsService,
    PatternCatalogService,
    PatternsResolver,
    PatternsErasureParticipant,
    { provide: PatternAliases, useExisting: PatternCatalogService },
  ],
  exports: [PatternsService, PatternAliases, PatternCatalogService],
})
export class PatternsModule {}
