import { Injectable } from '@nestjs/common';

import { looksLikeJwt } from './access-token';
import { ApiKeyService } from './api-key.service';
import { apiKeyFromAuthorization } from './auth-header';
import type { Principal } from './principal';
import { UserPrincipalService } from './user-principal.service';

/**
 * Turns a credential into a Principal: the one place every entry point (GraphQL over HTTP and
 * graphql-ws, the ingest APIs, controllers) authenticates through.
 */
@Injectable()
export class Authenticator {
  constructor(
    private readonly apiKeys: ApiKeyService,
    private readonly users: UserPrincipalService,
  ) {}

  /**
   * An `Authorization` header: `Bearer <access token>` for users, or an API key in any form
   * shippers use.
   */
  async authenticateHeader(header: string | undefined): Promise<Principal | null> {
    const bearer = /^bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
    if (bearer !== undefined && looksLikeJwt(bearer)) {
      // A configured bootstrap key could contain dots: fall back to the API keys.
      const user = await this.users.authenticate(bearer);
      if (user) return user;
    }
    const key = apiKeyFromAuthorization(header);
    return key === null ? null : this.apiKeys.authenticate(key);
  }

  /**
   * A graphql-ws `connection_init` payload: `{ "authorization": "<scheme> <credential>" }`,
   * `{ "accessToken": "<jwt>" }` or `{ "apiKey": "<key>" }`.
   */
  authenticateConnectionParams(params: Record<string, unknown>): Promise<Principal | null> {
    const header = params.authorization ?? params.Authorization;
    if (typeof header === 'string') return this.authenticateHeader(header);
    if (typeof params.accessToken === 'string' && looksLikeJwt(params.accessToken)) {
      return this.users.authenticate(params.accessToken);
    }
    if (typeof params.apiKey === 'string') return this.apiKeys.authenticate(params.apiKey);
    return Promise.resolve(null);
  }
}
