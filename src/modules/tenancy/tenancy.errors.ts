export type TenancyErrorCode =
  'UNAUTHENTICATED' | 'FORBIDDEN' | 'TENANT_EXISTS' | 'INVALID_TENANT_SLUG';

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
