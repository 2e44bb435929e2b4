import { SetMetadata } from '@nestjs/common';

import type { Scope } from '../../modules/tenancy/principal';

export const REQUIRED_SCOPES = 'vigil:required-scopes';

/** Declares the API-key scopes a resolver (or controller route) needs; enforced by ScopeGuard. */
export const RequireScopes = (...scopes: Scope[]): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_SCOPES, scopes);
