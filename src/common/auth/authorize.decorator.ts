import { SetMetadata } from '@nestjs/common';

import type { Permission } from '../../modules/tenancy/principal';

export const REQUIRED_PERMISSIONS = 'vigil:required-permissions';

/**
 * Declares what a resolver field or controller route needs; AuthGuard enforces it. Every
 * resolver and route must declare (a test walks the schema and the route table): one without
 * a declaration is refused.
 */
export const Authorize = (
  first: Permission,
  ...more: Permission[]
): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_PERMISSIONS, [first, ...more]);

/** Declares a field or route open to anonymous callers (login, health, JWKS). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_PERMISSIONS, []);
