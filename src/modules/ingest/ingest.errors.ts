export type IngestErrorCode = 'SATURATED' | 'STORE_UNAVAILABLE' | 'BODY_TOO_LARGE' | 'BAD_REQUEST';

export class IngestError extends Error {
  constructor(
    readonly code: IngestErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'IngestError';
  }
}

/** HTTP status for each code: shippers retry 429 and 503, and drop 400 and 413 payloads. */
export function httpStatusOf(code: IngestErrorCode): number {
  switch (code) {
    case 'SATURATED':
      return 429;
    case 'STORE_UNAVAILABLE':
      return 503;
    case 'BODY_TOO_LARGE':
      return 413;
    case 'BAD_REQUEST':
      return 400;
  }
}
