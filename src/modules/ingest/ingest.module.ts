import { Module } from '@nestjs/common';

import { FormatsModule } from '../formats/formats.module';
import { LogsModule } from '../logs/logs.module';
import { TenancyModule } from '../tenancy/tenancy.module';
import { IngestService } from './ingest.service';

/** HTTP ingest. Its routes are Fastify plugins (see http/), mounted by the app factory on both ports. */
@Module({
  imports: [FormatsModule, LogsModule, TenancyModule],
  providers: [IngestService],
  exports: [IngestService],
})
export class IngestModule {}
