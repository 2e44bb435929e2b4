import { Args, Float, GraphQLISODateTime, ID, Mutation, Query, Resolver } from '@nestjs/graphql';

import { Authorize } from '../../common/auth/authorize.decorator';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator';
import { ApiKeyLifecycleService } from './api-key-lifecycle.service';
import { ApiKeyObject, ApiKeyScope, IssuedApiKeyObject } from './dto/api-key.object';
import type { Principal, Scope } from './principal';

@Resolver(() => ApiKeyObject)
export class ApiKeysResolver {
  constructor(private readonly lifecycle: ApiKeyLifecycleService) {}

  @Query(() => [ApiKeyObject], { description: "The tenant's API keys, newest first" })
  @Authorize('admin')
  async apiKeys(@CurrentPrincipal() principal: Principal): Promise<ApiKeyObject[]> {
    return (await this.lifecycle.list(principal.tenantId)).map((k) => ApiKeyObject.from(k));
  }

  @Mutation(() => IssuedApiKeyObject, {
    description: 'Creates a key; its secret is in the answer and never shown again',
  })
  @Authorize('admin')
  async createApiKey(
    @CurrentPrincipal() principal: Principal,
    @Args('name') name: string,
    @Args('scopes', { type: () => [ApiKeyScope] }) scopes: Scope[],
    @Args('expiresAt', { type: () => GraphQLISODateTime, nullable: true }) expiresAt: Date | null,
  ): Promise<IssuedApiKeyObject> {
    const issued = await this.lifecycle.create(principal, principal.tenantId, {
      name,
      scopes,
      expiresAt,
    });
    return IssuedApiKeyObject.from(issued);
  }

  @Mutation(() => IssuedApiKeyObject, {
    description:
      'Issues a new key with the same name and scopes; the old one stays valid for overlapMinutes',
  })
  @Authorize('admin')
  async rotateApiKey(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('overlapMinutes', { type: () => Float }) overlapMinutes: number,
    @Args('expiresAt', {
      type: () => GraphQLISODateTime,
      nullable: true,
      description: 'When the new key expires (default: never)',
    })
    expiresAt: Date | null,
  ): Promise<IssuedApiKeyObject> {
    const issued = await this.lifecycle.rotate(
      principal,
      principal.tenantId,
      id,
      overlapMinutes,
      expiresAt,
    );
    return IssuedApiKeyObject.from(issued);
  }

  @Mutation(() => ApiKeyObject, { description: 'Revokes a key on every replica at once' })
  @Authorize('admin')
  async revokeApiKey(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<ApiKeyObject> {
    return ApiKeyObject.from(await this.lifecycle.revoke(principal, principal.tenantId, id));
  }
}
