import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';

import { Authorize } from '../../common/auth/authorize.decorator';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator';
import type { Principal } from '../tenancy/principal';
import { PrivacyJobObject } from './dto/privacy-job.object';
import { RetentionObject } from './dto/retention.object';
import { SubjectIdentifiersInput } from './dto/subject-identifiers.input';
import { PrivacyService } from './privacy.service';
import { RetentionService } from './retention.service';

@Resolver(() => PrivacyJobObject)
export class PrivacyResolver {
  constructor(
    private readonly privacy: PrivacyService,
    private readonly retentionService: RetentionService,
  ) {}

  @Mutation(() => PrivacyJobObject, {
    description: "Queues an export of all the tenant's data (gzip NDJSON); see downloadPath",
  })
  @Authorize('admin')
  async exportTenant(@CurrentPrincipal() principal: Principal): Promise<PrivacyJobObject> {
    return PrivacyJobObject.from(await this.privacy.requestExport(principal));
  }

  @Mutation(() => PrivacyJobObject, {
    description:
      'Queues the erasure of the tenant and all its data; cannot be undone. `confirm` = the tenant slug',
  })
  @Authorize('owner')
  async eraseTenant(
    @CurrentPrincipal() principal: Principal,
    @Args('confirm') confirm: string,
  ): Promise<PrivacyJobObject> {
    return PrivacyJobObject.from(await this.privacy.requestTenantErasure(principal, confirm));
  }

  @Mutation(() => PrivacyJobObject, {
    description: "Queues the erasure of a data subject's identifiers from the tenant's data",
  })
  @Authorize('admin')
  async eraseSubject(
    @CurrentPrincipal() principal: Principal,
    @Args('identifiers') identifiers: SubjectIdentifiersInput,
  ): Promise<PrivacyJobObject> {
    return PrivacyJobObject.from(await this.privacy.requestSubjectErasure(principal, identifiers));
  }

  @Query(() => [PrivacyJobObject], { description: 'Exports and erasures, newest first' })
  @Authorize('admin')
  async privacyJobs(
    @CurrentPrincipal() principal: Principal,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
  ): Promise<PrivacyJobObject[]> {
    return (await this.privacy.list(principal, first)).map((j) => PrivacyJobObject.from(j));
  }

  @Query(() => PrivacyJobObject, { nullable: true })
  @Authorize('admin')
  async privacyJob(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<PrivacyJobObject | null> {
    const job = await this.privacy.get(principal, id);
    return job ? PrivacyJobObject.from(job) : null;
  }

  @Query(() => RetentionObject)
  @Authorize('read')
  retention(@CurrentPrincipal() principal: Principal): Promise<RetentionObject> {
    return this.retentionService.get(principal);
  }

  @Mutation(() => RetentionObject, {
    description:
      'How many days logs, derived data, export archives and job records are kept; null = the default',
  })
  @Authorize('admin')
  setRetention(
    @CurrentPrincipal() principal: Principal,
    @Args('days', { type: () => Int, nullable: true }) days: number | null,
  ): Promise<RetentionObject> {
    return this.retentionService.set(principal, days);
  }
}
