import { Module } from '@nestjs/common';

import { ErasureRegistryModule } from '../../common/privacy/erasure-registry';
import { PatternRepository } from './pattern.repository';
import { PatternsService } from './patterns.service';

/**
 * Log patterns: the ingest pipeline mines every record through `PatternsService.assign`; the
 * catalogue, its GraphQL and its GDPR participant live here too.
 */
@Module({
  imports: [ErasureRegistryModule],
  providers: [PatternRepository, PatternsService],
  exports: [PatternsService],
})
export class PatternsModule {}
