import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';

import { Authenticator } from '../../modules/tenancy/authenticator.service';
import type { Permission, Principal } from '../../modules/tenancy/principal';
import { TenancyError } from '../../modules/tenancy/tenancy.errors';
import type { RequestContext } from './request-context';
import { REQUIRED_PERMISSIONS } from './authorize.decorator';

/**
 * Authenticates the caller of every GraphQL field and controller route and checks the
 * permissions it declares with `@Authorize` (or `@Public`). One without a declaration is refused,
 * so a forgotten declaration fails closed.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const required = this.reflector.getAllAndOverride<Permission[] | undefined>(
      REQUIRED_PERMISSIONS,
      [context.getHandler(), context.getClass()],
    );
    if (!required) {
      throw new TenancyError(
        'FORBIDDEN',
        `${context.getClass().name}.${context.getHandler().name} declares no permissions`,
      );
    }
    if (required.length === 0) return true;
    const principal = await this.principalOf(context);
    if (!principal) {
      throw new TenancyError(
        'UNAUTHENTICATED',
        'missing or invalid credentials (send Authorization: Bearer <API key or access token>)',
      );
    }
    const missing = required.filter((p) => !principal.permissions.has(p));
    if (missing.length > 0) {
      throw new TenancyError(
        'FORBIDDEN',
        `this ${principal.kind === 'user' ? 'user' : 'API key'} lacks the ${missing.join(', ')} permission`,
      );
    }
    return true;
  }

  private async principalOf(context: ExecutionContext): Promise<Principal | null> {
    if (context.getType<string>() === 'graphql') {
      const ctx = GqlExecutionContext.create(context).getContext<RequestContext>();
      if (ctx.principal === undefined) {
        ctx.principal = await this.authenticator.authenticateHeader(
          firstHeader(ctx.req?.headers.authorization),
        );
      }
      return ctx.principal;
    }
    const req = context.switchToHttp().getRequest<{
      headers: Record<string, string | string[] | undefined>;
      principal?: Principal;
    }>();
    req.principal ??=
      (await this.authenticator.authenticateHeader(firstHeader(req.headers.authorization))) ??
      undefined;
    return req.principal ?? null;
  }
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
