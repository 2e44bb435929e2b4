import { Injectable } from '@nestjs/common';

import { ApiKeyService } from './api-key.service';
import { apiKeyFromAuthorization } from './auth-header';
import type { Principal } from './principal';

/**
 * Turns a credential into a Principal: the one place every entry point (GraphQL over HTTP and
 * graphql-ws, the ingest APIs, controllers) authenticates through.
 */
@Injectable()
export class Authenticator {
  constructor(private readonly apiKeys: ApiKeyService) {}

  /** An `Authorization` header: an API key in any form shippers use. */
  authenticateHeader(header: string | undefined): Promise<Principal | null> {
    const key = apiKeyFromAuthorization(header);
    return key === null ? Promise.resolve(null) : this.apiKeys.authenticate(key);
  }

  /**
   * A graphql-ws `connection_init` payload: `{ "authorization": "<scheme> <credential>" }` or
   * `{ "apiKey": "<key>" }`.
   */
  authenticateConnectionParams(params: Record<string, unknown>): Promise<Principal | null> {
    const header = params.authorization ?? params.Authorization;
    if (typeof header === 'string') return this.authenticateHeader(header);
    if (typeof params.apiKey === 'string') return this.apiKeys.authenticate(params.apiKey);
    return Promise.resolve(null);
  }
}
