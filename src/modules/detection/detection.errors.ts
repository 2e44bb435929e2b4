export type DetectionErrorCode = 'ANOMALY_NOT_FOUND' | 'INVALID_ARGUMENT';

export class DetectionError extends Error {
  constructor(
    readonly code: DetectionErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'DetectionError';
  }
}
