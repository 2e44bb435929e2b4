import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';

import { ApiKeyService } from '../../modules/tenancy/api-key.service';
import type { Scope } from '../../modules/tenancy/principal';
import { TenancyError } from '../../modules/tenancy/tenancy.errors';
import type { RequestContext } from './request-context';
import { REQUIRED_SCOPES } from './require-scopes.decorator';

/**
 * Authenticates the caller of every GraphQL field that declares scopes and checks them. A
 * resolver without `@RequireScopes` is refused outright, so a forgotten declaration fails closed.
 */
@Injectable()
export class ScopeGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeyService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType<string>() !== 'graphql') return true;
    const required = this.reflector.getAllAndOverride<Scope[] | undefined>(REQUIRED_SCOPES, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!required) {
      throw new TenancyError(
        'FORBIDDEN',
        `${context.getClass().name}.${context.getHandler().name} declares no scopes`,
      );
    }
    const ctx = GqlExecutionContext.create(context).getContext<RequestContext>();
    if (ctx.principal === undefined) {
      const header = ctx.req?.headers.authorization;
      ctx.principal = await this.apiKeys.authenticateHeader(
        Array.isArray(header) ? header[0] : header,
      );
    }
    const principal = ctx.principal;
    if (!principal) {
      throw new TenancyError(
        'UNAUTHENTICATED',
        'missing or invalid API key (send Authorization: Bearer <key>)',
      );
    }
    const missing = required.filter((s) => !principal.scopes.has(s));
    if (missing.length > 0) {
      throw new TenancyError('FORBIDDEN', `this API key lacks the ${missing.join(', ')} scope`);
    }
    return true;
  }
}
