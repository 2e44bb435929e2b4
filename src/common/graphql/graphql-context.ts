import type { Context as WsContext } from 'graphql-ws';

import type { RequestContext } from '../auth/request-context';
import { originOf } from '../auth/request-origin.decorator';
import type { WsExtra } from './ws-sessions';

/**
 * Builds the GraphQL context. Over HTTP the credential (API key or access token) is read from the
 * request by AuthGuard; over graphql-ws it was checked in `connection_init` and again at this
 * `subscribe` (see WsSessions).
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

function isWsContext(arg: unknown): arg is WsContext {
  return typeof arg === 'object' && arg !== null && 'connectionInitReceived' in arg;
}
