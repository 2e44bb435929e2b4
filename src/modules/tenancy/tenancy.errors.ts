export type TenancyErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'TENANT_EXISTS'
  | 'INVALID_TENANT_SLUG'
  | 'INVALID_CREDENTIALS'
  /** A signed-in user's re-entered password is wrong: their session stays valid. */
  | 'WRONG_PASSWORD'
  | 'TOO_MANY_ATTEMPTS'
  | 'INVALID_TOKEN'
  | 'WEAK_PASSWORD'
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'LAST_OWNER'
  | 'MAIL_NOT_CONFIGURED'
  | 'MAIL_FAILED'
  | 'API_KEY_NOT_FOUND'
  | 'INVALID_API_KEY_REQUEST';

export class TenancyError extends Error {
  constructor(
    readonly code: TenancyErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'TenancyError';
  }
}
