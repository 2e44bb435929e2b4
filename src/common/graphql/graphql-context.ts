import type { Context as WsContext } from 'graphql-ws';

import type { RequestContext } from '../auth/request-context';
import type { WsExtra } from './ws-sessions';

/**
 * Builds the GraphQL context. Over HTTP the credential is read from the request by AuthGuard;
 * over graphql-ws it was checked in `connection_init` and again at this `subscribe`
 * (see WsSessions).
 */
export function graphqlContext(arg: unknown): RequestContext {
  if (isWsContext(arg)) return { principal: (arg.extra as WsExtra).principal ?? null };
  return { req: arg as RequestContext['req'] };
}

function isWsContext(arg: unknown): arg is WsContext {
  return typeof arg === 'object' && arg !== null && 'connectionInitReceived' in arg;
}
