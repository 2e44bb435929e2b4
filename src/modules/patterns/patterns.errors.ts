export type PatternsErrorCode = 'PATTERN_NOT_FOUND' | 'INVALID_ARGUMENT';

export class PatternsError extends Error {
  constructor(
    readonly code: PatternsErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'PatternsError';
  }
}
