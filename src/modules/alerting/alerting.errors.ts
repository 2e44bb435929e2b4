export type AlertingErrorCode =
  'URL_REFUSED' | 'URL_UNRESOLVABLE' | 'INVALID_TARGET' | 'CHANNEL_NOT_REGISTERED';

export class AlertingError extends Error {
  constructor(
    readonly code: AlertingErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'AlertingError';
  }
}
