export type RedactionErrorCode = 'INVALID_POLICY';

export class RedactionError extends Error {
  constructor(
    readonly code: RedactionErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'RedactionError';
  }
}
