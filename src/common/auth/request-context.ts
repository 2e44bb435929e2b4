import type { Principal } from '../../modules/tenancy/principal';

/** The GraphQL context of one operation (HTTP request or graphql-ws subscription). */
export interface RequestContext {
  /** HTTP requests carry their headers; the principal is resolved from them on first use. */
  req?: { headers: Record<string, string | string[] | undefined> };
  principal?: Principal | null;
}
