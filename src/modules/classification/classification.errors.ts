export type ClassificationErrorCode = 'INVALID_ARGUMENT' | 'NOT_FOUND';

/** Classification, feedback and model registry refusals (mapped to GraphQL codes in one place). */
export class ClassificationError extends Error {
  constructor(
    readonly code: ClassificationErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ClassificationError';
  }
}
