import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

import type { PrivacyJobKind, PrivacyJobReport, PrivacyJobStatus } from './privacy.jobs';

/** Parameters of a job. Subject identifiers are only ever here sealed, and removed at the end. */
export interface PrivacyJobParams {
  /** erase_subject: the identifiers, sealed with `AppConfig.secretBox` (context: the job id). */
  sealedIdentifiers?: string;
  /** erase_subject: how many identifiers of each kind were given. */
  identifierCounts?: Record<string, number>;
}

@Entity('privacy_jobs')
export class PrivacyJobEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId!: string;

  @Column('text')
  kind!: PrivacyJobKind;

  /** `api_key:<id>` or `user:<id>`: no e-mail address, so the row holds no personal data. */
  @Column('text', { name: 'requested_by' })
  requestedBy!: string;

  @Column('timestamptz', { name: 'requested_at', default: () => 'now()' })
  requestedAt!: Date;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt!: Date | null;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt!: Date | null;

  @Column('text', { default: 'queued' })
  status!: PrivacyJobStatus;

  @Column('jsonb', { default: {} })
  params!: PrivacyJobParams;

  @Column('jsonb', { nullable: true })
  report!: PrivacyJobReport | null;
}
