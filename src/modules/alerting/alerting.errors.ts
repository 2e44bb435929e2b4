export type AlertingErrorCode =
  | 'URL_REFUSED'
  | 'URL_UNRESOLVABLE'
  | 'INVALID_TARGET'
  | 'CHANNEL_NOT_REGISTERED'
  | 'INVALID_ARGUMENT'
  | 'NAME_TAKEN'
  | 'IN_USE'
  | 'RULE_NOT_FOUND'
  | 'CHANNEL_NOT_FOUND'
  | 'POLICY_NOT_FOUND'
  | 'SILENCE_NOT_FOUND'
  | 'INHIBIT_RULE_NOT_FOUND'
  | 'ALERT_NOT_FOUND';

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
