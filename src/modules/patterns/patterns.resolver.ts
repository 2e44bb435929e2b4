import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';

import { Authorize } from '../../common/auth/authorize.decorator';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator';
import type { Principal } from '../tenancy/principal';
import { PatternConnectionObject, PatternFilterInput, PatternObject } from './dto/pattern.object';
import { PatternCatalogService } from './pattern-catalog.service';

/** The pattern catalogue: browse, inspect, rename, merge, and write patterns by hand. */
@Resolver()
export class PatternsResolver {
  constructor(private readonly catalog: PatternCatalogService) {}

  @Query(() => PatternConnectionObject, {
    description: 'Patterns with records in the range, busiest first, with their trend',
  })
  @Authorize('read')
  async patterns(
    @CurrentPrincipal() principal: Principal,
    @Args('filter', { type: () => PatternFilterInput, nullable: true })
    filter: PatternFilterInput | null,
    @Args('first', { type: () => Int, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<PatternConnectionObject> {
    const page = await this.catalog.list(principal.tenantId, filter ?? {}, first, after ?? null);
    const out = new PatternConnectionObject();
    out.edges = page.patterns.map((p, i) => ({
      cursor: page.cursors[i] as string,
      node: PatternObject.from(p),
    }));
    out.hasNextPage = page.hasNextPage;
    out.endCursor = page.endCursor;
    return out;
  }

  @Query(() => PatternObject, { nullable: true, description: 'A pattern by its id or an old id' })
  @Authorize('read')
  async pattern(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<PatternObject | null> {
    const row = await this.catalog.get(principal.tenantId, id);
    return row ? PatternObject.from(row) : null;
  }

  @Mutation(() => PatternObject, { description: 'Names a pattern (an empty name clears it)' })
  @Authorize('write')
  async renamePattern(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('name') name: string,
  ): Promise<PatternObject> {
    return PatternObject.from(await this.catalog.rename(principal.tenantId, id, name));
  }

  @Mutation(() => PatternObject, {
    description: 'Records of `from` belong to `into` from now on; returns `into`',
  })
  @Authorize('write')
  async mergePatterns(
    @CurrentPrincipal() principal: Principal,
    @Args('from', { type: () => ID }) from: string,
    @Args('into', { type: () => ID }) into: string,
  ): Promise<PatternObject> {
    return PatternObject.from(await this.catalog.merge(principal.tenantId, from, into));
  }

  @Mutation(() => PatternObject, {
    description:
      'Pins a learned pattern (its template stays as it is and it is never evicted), or unpins it',
  })
  @Authorize('write')
  async pinPattern(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('pinned', { type: () => Boolean, defaultValue: true }) pinned: boolean,
  ): Promise<PatternObject> {
    return PatternObject.from(await this.catalog.pin(principal.tenantId, id, pinned));
  }

  @Mutation(() => PatternObject, {
    description: 'A pattern written by hand (<*> for a variable part); it wins over learning',
  })
  @Authorize('write')
  async createPattern(
    @CurrentPrincipal() principal: Principal,
    @Args('service') service: string,
    @Args('template') template: string,
  ): Promise<PatternObject> {
    return PatternObject.from(await this.catalog.create(principal.tenantId, service, template));
  }
}
