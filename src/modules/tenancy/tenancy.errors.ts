export type TenancyErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'TENANT_EXISTS'
  | 'INVALID_TENANT_SLUG'
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
