import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';

import type { RequestContext, RequestOrigin } from './request-context';

const MAX_USER_AGENT = 512;
const UNKNOWN: RequestOrigin = { ip: null, userAgent: null };

/** The caller's address and user agent (GraphQL fields and controller routes alike). */
export const CurrentOrigin = createParamDecorator(
  (_data: unknown, context: ExecutionContext): RequestOrigin => {
    if (context.getType<string>() === 'graphql') {
      return GqlExecutionContext.create(context).getContext<RequestContext>().origin ?? UNKNOWN;
    }
    return originOf(context.switchToHttp().getRequest<OriginSource>());
  },
);

interface OriginSource {
  ip?: string;
  socket?: { remoteAddress?: string };
  headers: Record<string, string | string[] | undefined>;
}

/**
 * A Fastify request's `ip` honours its `trustProxy` setting; a raw Node request (graphql-ws
 * upgrade) has only the socket's peer, and forwarding headers are ignored there.
 */
export function originOf(req: OriginSource): RequestOrigin {
  const ua = req.headers['user-agent'];
  const userAgent = (Array.isArray(ua) ? ua[0] : ua) ?? null;
  return {
    ip: req.ip ?? req.socket?.remoteAddress ?? null,
    userAgent: userAgent === null ? null : userAgent.slice(0, MAX_USER_AGENT),
  };
}
