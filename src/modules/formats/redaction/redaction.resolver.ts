import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';

import { Authorize } from '../../../common/auth/authorize.decorator';
import { CurrentPrincipal } from '../../../common/auth/current-principal.decorator';
import type { RequestOrigin } from '../../../common/auth/request-context';
import { CurrentOrigin } from '../../../common/auth/request-origin.decorator';
import type { Principal } from '../../tenancy/principal';
import { RedactionPolicyInput, RedactionPolicyObject } from './dto/redaction-policy.object';
import { RedactionService } from './redaction.service';

@Resolver()
export class RedactionResolver {
  constructor(private readonly redaction: RedactionService) {}

  @Query(() => RedactionPolicyObject, {
    description: 'Which PII is redacted from the tenant’s logs',
  })
  @Authorize('read')
  async redactionPolicy(@CurrentPrincipal() principal: Principal): Promise<RedactionPolicyObject> {
    return RedactionPolicyObject.from(await this.redaction.policyFor(principal.tenantId));
  }

  @Mutation(() => RedactionPolicyObject, {
    description: 'Sets which PII is redacted from logs arriving from now on',
  })
  @Authorize('admin')
  async setRedactionPolicy(
    @CurrentPrincipal() principal: Principal,
    @CurrentOrigin() origin: RequestOrigin,
    @Args('input') input: RedactionPolicyInput,
  ): Promise<RedactionPolicyObject> {
    return RedactionPolicyObject.from(
      await this.redaction.setPolicy(principal, input.rules, origin),
    );
  }
}
