import type { Context as WsContext } from 'graphql-ws';

import type { ApiKeyService } from '../../modules/tenancy/api-key.service';
import type { Principal } from '../../modules/tenancy/principal';
import type { RequestContext } from '../auth/request-context';

interface WsExtra {
  principal?: Principal;
  socket?: { close(code: number, reason: string): void };
}

/**
 * Builds the GraphQL context. Over HTTP the API key is read from the request by ScopeGuard;
 * over graphql-ws it was checked once in `connection_init` (see graphqlWsOnConnect).
 */
export function graphqlContext(arg: unknown): RequestContext {
  if (isWsContext(arg)) return { principal: (arg.extra as WsExtra).principal ?? null };
  return { req: arg as RequestContext['req'] };
}

/**
 * Authenticates a graphql-ws connection from its `connection_init` payload:
 * `{ "authorization": "Bearer <key>" }` (any scheme the HTTP API takes) or `{ "apiKey": "<key>" }`.
 * No valid key → close 4401; a key without the `read` scope → 4403.
 */
export function graphqlWsOnConnect(apiKeys: ApiKeyService) {
  return async (ctx: WsContext): Promise<boolean> => {
    const params = (ctx.connectionParams ?? {}) as Record<string, unknown>;
    const header = params.authorization ?? params.Authorization;
    const principal =
      typeof header === 'string'
        ? await apiKeys.authenticateHeader(header)
        : typeof params.apiKey === 'string'
          ? await apiKeys.authenticate(params.apiKey)
          : null;
    const extra = ctx.extra as WsExtra;
    if (!principal) {
      extra.socket?.close(4401, 'Unauthorized');
      return false;
    }
    if (!principal.scopes.has('read')) return false; // graphql-ws closes with 4403 Forbidden
    extra.principal = principal;
    return true;
  };
}

function isWsContext(arg: unknown): arg is WsContext {
  return typeof arg === 'object' && arg !== null && 'connectionInitReceived' in arg;
}
