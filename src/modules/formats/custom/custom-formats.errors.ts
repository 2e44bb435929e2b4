export type CustomFormatErrorCode =
  'INVALID_PATTERN' | 'INVALID_ARGUMENT' | 'FORMAT_NOT_FOUND' | 'FORMAT_EXISTS' | 'LIMIT_EXCEEDED';

export class CustomFormatError extends Error {
  constructor(
    readonly code: CustomFormatErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'CustomFormatError';
  }
}
