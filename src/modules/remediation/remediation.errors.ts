export type RemediationErrorCode =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'INVALID_RUNBOOK'
  | 'INVALID_PARAMETERS'
  | 'HALTED'
  | 'RATE_LIMITED'
  | 'FORBIDDEN'
  | 'CONFLICT';

/** Remediation refusals; an invalid runbook carries every error with its path. */
export class RemediationError extends Error {
  constructor(
    readonly code: RemediationErrorCode,
    message: string,
    readonly errors: ReadonlyArray<{ path: string; message: string }> = [],
  ) {
    super(message);
    this.name = 'RemediationError';
  }
}
