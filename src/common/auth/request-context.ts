import type { Principal } from '../../modules/tenancy/principal';

/** Where a request came from, for the audit log. */
export interface RequestOrigin {
  /**
   * The client address as Fastify computes it: the socket's peer, or the proxy-supplied address
   * only when Fastify's `trustProxy` says that proxy is trusted. Never X-Forwarded-For as sent.
   */
  ip: string | null;
  userAgent: string | null;
}

/** The GraphQL context of one operation (HTTP request or graphql-ws subscription). */
export interface RequestContext {
  /** HTTP requests carry their headers; the principal is resolved from them on first use. */
  req?: { headers: Record<string, string | string[] | undefined> };
  principal?: Principal | null;
  origin?: RequestOrigin;
}
