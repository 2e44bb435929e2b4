/**
 * Identifiers of one data subject, validated and normalized (see `subject-identifiers.ts` in the
 * privacy module). Plain text only in memory while a job runs; never stored or queued as such.
 */
export interface SubjectIdentifiers {
  emails: readonly string[];
  userIds: readonly string[];
  ips: readonly string[];
  values: readonly string[];
}

/** Rows, records or keys touched, per table or store (`logs.records`, `api_keys`...). */
export type ErasureCounts = Record<string, number>;

/** Where an export writes: one NDJSON line per row, tagged with its table or store. */
export interface ExportSink {
  /** Resolves when the line may be followed by the next (backpressure). */
  write(type: string, row: unknown): Promise<void>;
}

/**
 * A module that holds tenant data or data derived from logs. EVERY module that stores such data
 * (patterns and their examples, anomaly evidence, alert payloads, training data, model snapshots,
 * caches...) must register one with `ErasureRegistry` in its `onModuleInit`, or tenant erasure,
 * subject erasure and export will miss it.
 *
 * Methods are idempotent: a job that is retried calls them again.
 */
export interface ErasureParticipant {
  /** Names the participant in job reports (`logs`, `patterns`...). */
  readonly name: string;
  /**
   * Exported in ascending order and erased in descending order, so that the tenant itself
   * (order 0) is written first and deleted last. Modules use 100 and up.
   */
  readonly order: number;
  /**
   * Postgres tables with a `tenant_id` column this participant exports and erases itself. Every
   * other such table is handled generically (all rows exported, minus credential columns, and
   * deleted) by the privacy module's tenant-tables participant.
   */
  readonly tables?: readonly string[];
  /** Writes everything the tenant holds here, streamed; returns lines written per type. */
  exportTenant(tenantId: string, sink: ExportSink): Promise<ErasureCounts>;
  /** Deletes everything the tenant holds here. */
  eraseTenant(tenantId: string): Promise<ErasureCounts>;
  /** Replaces or removes the subject's identifiers within the tenant, keeping the records. */
  eraseSubject(tenantId: string, identifiers: SubjectIdentifiers): Promise<ErasureCounts>;
}
