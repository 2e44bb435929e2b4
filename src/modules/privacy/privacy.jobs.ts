export const PRIVACY_QUEUE = 'privacy';

export const PRIVACY_JOB_KINDS = ['export', 'erase_tenant', 'erase_subject'] as const;
export type PrivacyJobKind = (typeof PRIVACY_JOB_KINDS)[number];

export const PRIVACY_JOB_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type PrivacyJobStatus = (typeof PRIVACY_JOB_STATUSES)[number];

/** Queue payloads carry ids only: identifiers stay sealed in Postgres, never in Redis. */
export type PrivacyQueueJob = { name: PrivacyJobKind; data: { jobId: string; tenantId: string } };

/** What a finished job reports. */
export interface PrivacyJobReport {
  /** Rows, records, keys or lines per table or store (`logs.records`, `api_keys`...). */
  counts: Record<string, number>;
  /** One line per participant that failed: `<participant>: <message>`. */
  errors: string[];
  /** Export only: size of the archive in bytes. */
  bytes?: number;
}
