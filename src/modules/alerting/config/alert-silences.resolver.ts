import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';

import { Authorize } from '../../../common/auth/authorize.decorator';
import { CurrentPrincipal } from '../../../common/auth/current-principal.decorator';
import type { RequestOrigin } from '../../../common/auth/request-context';
import { CurrentOrigin } from '../../../common/auth/request-origin.decorator';
import type { Principal } from '../../tenancy/principal';
import { AlertSilencesService } from './alert-silences.service';
import {
  AlertInhibitRuleObject,
  AlertSilenceObject,
  CreateAlertInhibitRuleInput,
  CreateAlertSilenceInput,
} from './dto/alert-silence.dto';

/** Silences, maintenance windows and inhibition rules (editors change them). */
@Resolver()
export class AlertSilencesResolver {
  constructor(private readonly silences: AlertSilencesService) {}

  @Query(() => [AlertSilenceObject], {
    description: 'Silences and maintenance windows not yet over (every one with includeExpired)',
  })
  @Authorize('read')
  async alertSilences(
    @CurrentPrincipal() principal: Principal,
    @Args('includeExpired', { type: () => Boolean, defaultValue: false }) includeExpired: boolean,
  ): Promise<AlertSilenceObject[]> {
    return (await this.silences.listSilences(principal.tenantId, includeExpired)).map((s) =>
      AlertSilenceObject.from(s),
    );
  }

  @Mutation(() => AlertSilenceObject)
  @Authorize('write')
  async createAlertSilence(
    @CurrentPrincipal() principal: Principal,
    @CurrentOrigin() origin: RequestOrigin,
    @Args('input') input: CreateAlertSilenceInput,
  ): Promise<AlertSilenceObject> {
    return AlertSilenceObject.from(await this.silences.createSilence(principal, input, origin));
  }

  @Mutation(() => AlertSilenceObject, { description: 'Ends the silence now' })
  @Authorize('write')
  async expireAlertSilence(
    @CurrentPrincipal() principal: Principal,
    @CurrentOrigin() origin: RequestOrigin,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<AlertSilenceObject> {
    return AlertSilenceObject.from(await this.silences.expireSilence(principal, id, origin));
  }

  @Query(() => [AlertInhibitRuleObject])
  @Authorize('read')
  async alertInhibitRules(
    @CurrentPrincipal() principal: Principal,
  ): Promise<AlertInhibitRuleObject[]> {
    return (await this.silences.listInhibitRules(principal.tenantId)).map((r) =>
      AlertInhibitRuleObject.from(r),
    );
  }

  @Mutation(() => AlertInhibitRuleObject)
  @Authorize('write')
  async createAlertInhibitRule(
    @CurrentPrincipal() principal: Principal,
    @CurrentOrigin() origin: RequestOrigin,
    @Args('input') input: CreateAlertInhibitRuleInput,
  ): Promise<AlertInhibitRuleObject> {
    return AlertInhibitRuleObject.from(
      await this.silences.createInhibitRule(principal, input, origin),
    );
  }

  @Mutation(() => Boolean, { description: 'False when there was none' })
  @Authorize('write')
  deleteAlertInhibitRule(
    @CurrentPrincipal() principal: Principal,
    @CurrentOrigin() origin: RequestOrigin,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<boolean> {
    return this.silences.deleteInhibitRule(principal, id, origin);
  }
}
