import { Module } from '@nestjs/common';

import { ClassificationModule } from '../classification/classification.module';
import { DetectionModule } from '../detection/detection.module';
import { CustomFormatsModule } from '../formats/custom/custom-formats.module';
import { FormatsModule } from '../formats/formats.module';
import { RedactionModule } from '../formats/redaction/redaction.module';
import { LogsModule } from '../logs/logs.module';
import { PatternsModule } from '../patterns/patterns.module';
import { TenancyModule } from '../tenancy/tenancy.module';
import { IngestService } from './ingest.service';

/** HTTP ingest. Its routes are Fastify plugins (see http/), mounted by the app factory on both ports. */
@Module({
  imports: [
    FormatsModule,
    CustomFormatsModule,
    RedactionModule,
    LogsModule,
    PatternsModule,
    DetectionModule,
    ClassificationModule,
    TenancyModule,
  ],
  providers: [IngestService],
  exports: [IngestService],
})
export class IngestModule {}
