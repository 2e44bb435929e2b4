import { Module } from '@nestjs/common';

import { FormatsResolver } from './formats.resolver';
import { FormatsService } from './formats.service';

/** Format detection and parsing: the registry, per-source streams and the format list over GraphQL. */
@Module({
  providers: [FormatsService, FormatsResolver],
  exports: [FormatsService],
})
export class FormatsModule {}
