import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import type { ApiKeyService } from '../../tenancy/api-key.service';
import type { Principal, Scope } from '../../tenancy/principal';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The API-key scopes a route needs; `[]` marks a deliberately public route. */
    scopes?: readonly Scope[];
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
 * Enforces each route's declared `config.scopes` in one hook. A route without a declaration is
 * refused (fails closed); `onFailure` writes the error in the API's own dialect.
 */
export function enforceRouteScopes(
  app: FastifyInstance,
  apiKeys: ApiKeyService,
  onFailure: (reply: FastifyReply, failure: AuthFailure) => FastifyReply,
): void {
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.is404) return; // the not-found handler answers; it reveals nothing
    const scopes = req.routeOptions.config.scopes;
    if (scopes === undefined) {
      return onFailure(reply, {
        status: 403,
        message: `route ${req.routeOptions.url ?? req.url} declares no scopes`,
      });
    }
    if (scopes.length === 0) return;
    const principal = await apiKeys.authenticateHeader(req.headers.authorization);
    if (!principal) {
      return onFailure(reply, { status: 401, message: 'missing or invalid API key' });
    }
    const missing = scopes.filter((s) => !principal.scopes.has(s));
    if (missing.length > 0) {
      return onFailure(reply, {
        status: 403,
        message: `this API key lacks the ${missing.join(', ')} scope`,
      });
    }
    req.principal = principal;
  });
}
