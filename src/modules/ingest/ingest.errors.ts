export type IngestErrorCode =
  'SATURATED' | 'RATE_LIMITED' | 'STORE_UNAVAILABLE' | 'BODY_TOO_LARGE' | 'BAD_REQUEST';

export class IngestError extends Error {
  /** For 429 and 503: what `Retry-After` says. */
  readonly retryAfterSeconds: number;

  constructor(
    readonly code: IngestErrorCode,
    message: string,
    options?: ErrorOptions & { retryAfterSeconds?: number },
  ) {
    super(message, options);
    this.name = 'IngestError';
    this.retryAfterSeconds = options?.retryAfterSeconds ?? 1;
  }
}

/** HTTP status for each code: shippers retry 429 and 503, and drop 400 and 413 payloads. */
export function httpStatusOf(code: IngestErrorCode): number {
  switch (code) {
    case 'SATURATED':
    case 'RATE_LIMITED':
      return 429;
    case 'STORE_UNAVAILABLE':
      return 503;
    case 'BODY_TOO_LARGE':
      return 413;
    case 'BAD_REQUEST':
      return 400;
  }
}
