import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';

import { Authorize } from '../../../common/auth/authorize.decorator';
import { CurrentPrincipal } from '../../../common/auth/current-principal.decorator';
import type { RequestOrigin } from '../../../common/auth/request-context';
import { CurrentOrigin } from '../../../common/auth/request-origin.decorator';
import type { Principal } from '../../tenancy/principal';
import { AlertRulesService } from './alert-rules.service';
import { AlertRuleObject, CreateAlertRuleInput, UpdateAlertRuleInput } from './dto/alert-rule.dto';
import {
  CreateEscalationPolicyInput,
  EscalationPolicyObject,
  UpdateEscalationPolicyInput,
} from './dto/escalation-policy.dto';

/** Alert rules (editors) and escalation policies (admins). */
@Resolver()
export class AlertRulesResolver {
  constructor(private readonly rules: AlertRulesService) {}

  @Query(() => [AlertRuleObject], { description: 'The tenant’s alert rules, by name' })
  @Authorize('read')
  async alertRules(@CurrentPrincipal() principal: Principal): Promise<AlertRuleObject[]> {
    return (await this.rules.listRules(principal.tenantId)).map((r) => AlertRuleObject.from(r));
  }

  @Query(() => AlertRuleObject, { nullable: true })
  @Authorize('read')
  async alertRule(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<AlertRuleObject | null> {
    const row = await this.rules.getRule(principal.tenantId, id);
    return row === null ? null : AlertRuleObject.from(row);
  }

  @Mutation(() => AlertRuleObject)
  @Authorize('write')
  async createAlertRule(
    @CurrentPrincipal() principal: Principal,
    @CurrentOrigin() origin: RequestOrigin,
    @Args('input') input: CreateAlertRuleInput,
  ): Promise<AlertRuleObject> {
    return AlertRuleObject.from(await this.rules.createRule(principal, input, origin));
  }

  @Mutation(() => AlertRuleObject)
  @Authorize('write')
  async updateAlertRule(
    @CurrentPrincipal() principal: Principal,
    @CurrentOrigin() origin: RequestOrigin,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateAlertRuleInput,
  ): Promise<AlertRuleObject> {
    return AlertRuleObject.from(await this.rules.updateRule(principal, id, input, origin));
  }

  @Mutation(() => Boolean, { description: 'False when there was none' })
  @Authorize('write')
  deleteAlertRule(
    @CurrentPrincipal() principal: Principal,
    @CurrentOrigin() origin: RequestOrigin,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<boolean> {
    return this.rules.deleteRule(principal, id, origin);
  }

  @Query(() => [EscalationPolicyObject])
  @Authorize('read')
  async escalationPolicies(
    @CurrentPrincipal() principal: Principal,
  ): Promise<EscalationPolicyObject[]> {
    return (await this.rules.listPolicies(principal.tenantId)).map((p) =>
      EscalationPolicyObject.from(p),
    );
  }

  @Mutation(() => EscalationPolicyObject)
  @Authorize('admin')
  async createEscalationPolicy(
    @CurrentPrincipal() principal: Principal,
    @CurrentOrigin() origin: RequestOrigin,
    @Args('input') input: CreateEscalationPolicyInput,
  ): Promise<EscalationPolicyObject> {
    return EscalationPolicyObject.from(await this.rules.createPolicy(principal, input, origin));
  }

  @Mutation(() => EscalationPolicyObject)
  @Authorize('admin')
  async updateEscalationPolicy(
    @CurrentPrincipal() principal: Principal,
    @CurrentOrigin() origin: RequestOrigin,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateEscalationPolicyInput,
  ): Promise<EscalationPolicyObject> {
    return EscalationPolicyObject.from(await this.rules.updatePolicy(principal, id, input, origin));
  }

  @Mutation(() => Boolean, { description: 'False when there was none; refused while rules use it' })
  @Authorize('admin')
  deleteEscalationPolicy(
    @CurrentPrincipal() principal: Principal,
    @CurrentOrigin() origin: RequestOrigin,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<boolean> {
    return this.rules.deletePolicy(principal, id, origin);
  }
}
