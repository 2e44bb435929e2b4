export type AuditErrorCode = 'INVALID_ACTION' | 'INVALID_CURSOR' | 'INVALID_ARGUMENT';

export class AuditError extends Error {
  constructor(
    readonly code: AuditErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'AuditError';
  }
}
