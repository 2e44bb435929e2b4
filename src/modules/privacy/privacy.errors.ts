export type PrivacyErrorCode =
  | 'INVALID_IDENTIFIERS'
  | 'CONFIRMATION_MISMATCH'
  | 'INVALID_RETENTION'
  | 'INVALID_ARGUMENT'
  | 'JOB_NOT_FOUND'
  | 'EXPORT_NOT_READY'
  | 'QUEUE_UNAVAILABLE';

export class PrivacyError extends Error {
  constructor(
    readonly code: PrivacyErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'PrivacyError';
  }
}
