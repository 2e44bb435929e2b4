import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';

import { Authorize } from '../../../common/auth/authorize.decorator';
import { CurrentPrincipal } from '../../../common/auth/current-principal.decorator';
import type { RequestOrigin } from '../../../common/auth/request-context';
import { CurrentOrigin } from '../../../common/auth/request-origin.decorator';
import type { Principal } from '../../tenancy/principal';
import type { CustomFormatKind } from './custom-line-format';
import { CustomFormatsService } from './custom-formats.service';
import { SampleResultObject } from './dto/log-format-test.object';
import { CreateLogFormatInput, UpdateLogFormatInput } from './dto/log-format.input';
import { LogFormatKind, LogFormatObject } from './dto/log-format.object';

/** Custom log formats: try a pattern on samples, then save, change or delete it. */
@Resolver()
export class CustomFormatsResolver {
  constructor(private readonly formats: CustomFormatsService) {}

  @Query(() => [LogFormatObject], {
    description: 'The tenant’s custom formats, highest priority first',
  })
  @Authorize('read')
  async customLogFormats(@CurrentPrincipal() principal: Principal): Promise<LogFormatObject[]> {
    return (await this.formats.list(principal.tenantId)).map((f) => LogFormatObject.from(f));
  }

  @Query(() => [SampleResultObject], {
    description:
      'What each sample line parses to with this pattern, before saving it (an invalid pattern is an INVALID_PATTERN error saying why)',
  })
  @Authorize('read')
  testLogFormat(
    @Args('kind', { type: () => LogFormatKind }) kind: CustomFormatKind,
    @Args('pattern') pattern: string,
    @Args('samples', { type: () => [String] }) samples: string[],
  ): SampleResultObject[] {
    return this.formats.test(kind, pattern, samples).map((r) => SampleResultObject.from(r));
  }

  @Mutation(() => LogFormatObject)
  @Authorize('write')
  async createLogFormat(
    @CurrentPrincipal() principal: Principal,
    @CurrentOrigin() origin: RequestOrigin,
    @Args('input') input: CreateLogFormatInput,
  ): Promise<LogFormatObject> {
    return LogFormatObject.from(await this.formats.create(principal, input, origin));
  }

  @Mutation(() => LogFormatObject)
  @Authorize('write')
  async updateLogFormat(
    @CurrentPrincipal() principal: Principal,
    @CurrentOrigin() origin: RequestOrigin,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateLogFormatInput,
  ): Promise<LogFormatObject> {
    return LogFormatObject.from(await this.formats.update(principal, id, input, origin));
  }

  @Mutation(() => Boolean, { description: 'Deletes a custom format; false when there was none' })
  @Authorize('write')
  deleteLogFormat(
    @CurrentPrincipal() principal: Principal,
    @CurrentOrigin() origin: RequestOrigin,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<boolean> {
    return this.formats.delete(principal, id, origin);
  }
}
