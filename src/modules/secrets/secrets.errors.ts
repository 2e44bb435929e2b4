export type SecretsErrorCode = 'INVALID_SECRET_NAME' | 'INVALID_SECRET_VALUE' | 'SECRET_UNREADABLE';

export class SecretsError extends Error {
  constructor(
    readonly code: SecretsErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'SecretsError';
  }
}
