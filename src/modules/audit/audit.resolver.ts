import { Args, Int, Query, Resolver } from '@nestjs/graphql';

import { Authorize } from '../../common/auth/authorize.decorator';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator';
import type { Principal } from '../tenancy/principal';
import { AuditConnectionObject, AuditEntryObject } from './dto/audit-entry.object';
import { AuditFilterInput } from './dto/audit-filter.input';
import { AuditService, encodeAuditCursor } from './audit.service';

@Resolver()
export class AuditResolver {
  constructor(private readonly audit: AuditService) {}

  @Query(() => AuditConnectionObject, {
    description: 'The audit log of the caller’s tenant, newest first (admins only)',
  })
  @Authorize('admin')
  async auditLog(
    @CurrentPrincipal() principal: Principal,
    @Args('filter', { type: () => AuditFilterInput, nullable: true })
    filter: AuditFilterInput | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<AuditConnectionObject> {
    const page = await this.audit.page(principal.tenantId, filter ?? {}, first, after);
    const connection = new AuditConnectionObject();
    connection.edges = page.entries.map((row) => ({
      cursor: encodeAuditCursor(row),
      node: AuditEntryObject.from(row),
    }));
    connection.pageInfo = { hasNextPage: page.hasNextPage, endCursor: page.endCursor };
    return connection;
  }
}
