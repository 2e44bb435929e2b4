import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';

import { Authorize } from '../../common/auth/authorize.decorator';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator';
import type { RequestOrigin } from '../../common/auth/request-context';
import { CurrentOrigin } from '../../common/auth/request-origin.decorator';
import type { Principal } from '../tenancy/principal';
import { SecretObject } from './dto/secret.object';
import { SecretValue } from './secret-value';
import { SecretsService } from './secrets.service';

/** Admins manage secrets by name; there is deliberately no field that returns a value. */
@Resolver()
export class SecretsResolver {
  constructor(private readonly store: SecretsService) {}

  @Query(() => [SecretObject], { description: 'The tenant’s secrets: names and history only' })
  @Authorize('admin')
  async secrets(@CurrentPrincipal() principal: Principal): Promise<SecretObject[]> {
    return (await this.store.list(principal.tenantId)).map((s) => SecretObject.from(s));
  }

  @Mutation(() => SecretObject, { description: 'Stores (or replaces) a secret, encrypted' })
  @Authorize('admin')
  async setSecret(
    @CurrentPrincipal() principal: Principal,
    @CurrentOrigin() origin: RequestOrigin,
    @Args('name') name: string,
    @Args('value', { type: () => SecretValue }) value: SecretValue,
  ): Promise<SecretObject> {
    return SecretObject.from(await this.store.set(principal, name, value, origin));
  }

  @Mutation(() => Boolean, { description: 'Deletes a secret; false when there was none' })
  @Authorize('admin')
  deleteSecret(
    @CurrentPrincipal() principal: Principal,
    @CurrentOrigin() origin: RequestOrigin,
    @Args('name') name: string,
  ): Promise<boolean> {
    return this.store.delete(principal, name, origin);
  }
}
