import { Query, Resolver } from '@nestjs/graphql';

import { Authorize } from '../../common/auth/authorize.decorator';
import { LogFormatObject } from './dto/log-format.object';
import { FormatsService } from './formats.service';

@Resolver(() => LogFormatObject)
export class FormatsResolver {
  constructor(private readonly formats: FormatsService) {}

  @Query(() => [LogFormatObject], {
    description: 'The built-in log formats, by detection priority (text, the fallback, last)',
  })
  @Authorize('read')
  logFormats(): LogFormatObject[] {
    return this.formats.builtIn.all.map((f) => LogFormatObject.from(f));
  }
}
