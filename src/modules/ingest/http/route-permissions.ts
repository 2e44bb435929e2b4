import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import type { Authenticator } from '../../tenancy/authenticator.service';
import type { Permission, Principal } from '../../tenancy/principal';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What a route needs; `[]` marks a deliberately public route. */
    permissions?: readonly Permission[];
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

export interface AuthFailure {
  status: 401 | 403;
  message: string;
}

/**
 * Enforces each route's declared `config.permissions` in one hook. A route without a declaration is
 * refused (fails closed); `onFailure` writes the error in the API's own dialect.
 */
export function enforceRoutePermissions(
  app: FastifyInstance,
  authenticator: Authenticator,
  onFailure: (reply: FastifyReply, failure: AuthFailure) => FastifyReply,
): void {
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.is404) return; // the not-found handler answers; it reveals nothing
    const required = req.routeOptions.config.permissions;
    if (required === undefined) {
      return onFailure(reply, {
        status: 403,
        message: `route ${req.routeOptions.url ?? req.url} declares no permissions`,
      });
    }
    if (required.length === 0) return;
    const principal = await authenticator.authenticateHeader(req.headers.authorization);
    if (!principal) {
      return onFailure(reply, { status: 401, message: 'missing or invalid API key' });
    }
    const missing = required.filter((p) => !principal.permissions.has(p));
    if (missing.length > 0) {
      return onFailure(reply, {
        status: 403,
        message: `this API key lacks the ${missing.join(', ')} permission`,
      });
    }
    req.principal = principal;
  });
}
