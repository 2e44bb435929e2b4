import type { Context as WsContext } from 'graphql-ws';

import type { Authenticator } from '../../modules/tenancy/authenticator.service';
import type { Principal } from '../../modules/tenancy/principal';
import type { RequestContext } from '../auth/request-context';
import { originOf } from '../auth/request-origin.decorator';

interface WsExtra {
  principal?: Principal;
  socket?: { close(code: number, reason: string): void };
  request?: Parameters<typeof originOf>[0];
}

/**
 * Builds the GraphQL context. Over HTTP the credential (API key or access token) is read from
 * the request by AuthGuard;
 * over graphql-ws it was checked once in `connection_init` (see graphqlWsOnConnect).
 */
export function graphqlContext(arg: unknown): RequestContext {
  if (isWsContext(arg)) {
    const extra = arg.extra as WsExtra;
    return {
      principal: extra.principal ?? null,
      ...(extra.request ? { origin: originOf(extra.request) } : {}),
    };
  }
  const req = arg as Parameters<typeof originOf>[0];
  return { req, origin: originOf(req) };
}

/**
 * Authenticates a graphql-ws connection from its `connection_init` payload:
 * `{ "authorization": "Bearer <key or access token>" }` (any scheme the HTTP API takes),
 * `{ "accessToken": "<jwt>" }` or `{ "apiKey": "<key>" }`.
 * No valid credential → close 4401; one without the `read` permission → 4403.
 */
export function graphqlWsOnConnect(authenticator: Authenticator) {
  return async (ctx: WsContext): Promise<boolean> => {
    const params = (ctx.connectionParams ?? {}) as Record<string, unknown>;
    const principal = await authenticator.authenticateConnectionParams(params);
    const extra = ctx.extra as WsExtra;
    if (!principal) {
      extra.socket?.close(4401, 'Unauthorized');
      return false;
    }
    if (!principal.permissions.has('read')) return false; // graphql-ws closes with 4403 Forbidden
    extra.principal = principal;
    return true;
  };
}

function isWsContext(arg: unknown): arg is WsContext {
  return typeof arg === 'object' && arg !== null && 'connectionInitReceived' in arg;
}
