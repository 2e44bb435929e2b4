import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';

import type { Principal } from '../../modules/tenancy/principal';
import type { RequestContext } from './request-context';

/** The authenticated caller; AuthGuard has run before any resolver sees it. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = GqlExecutionContext.create(context).getContext<RequestContext>().principal;
    if (!principal) throw new Error('CurrentPrincipal used on a field without @Authorize');
    return principal;
  },
);
