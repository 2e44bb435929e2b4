import {
  Field,
  Float,
  GraphQLISODateTime,
  ID,
  Int,
  ObjectType,
  registerEnumType,
} from '@nestjs/graphql';

import type { PrivacyJobEntity } from '../privacy-job.entity';
import {
  PRIVACY_JOB_KINDS,
  PRIVACY_JOB_STATUSES,
  type PrivacyJobKind,
  type PrivacyJobStatus,
} from '../privacy.jobs';

const PrivacyJobKindEnum = Object.fromEntries(PRIVACY_JOB_KINDS.map((k) => [k, k]));
const PrivacyJobStatusEnum = Object.fromEntries(PRIVACY_JOB_STATUSES.map((k) => [k, k]));
registerEnumType(PrivacyJobKindEnum, { name: 'PrivacyJobKind' });
registerEnumType(PrivacyJobStatusEnum, { name: 'PrivacyJobStatus' });

@ObjectType('PrivacyJobCount', {
  description: 'Rows, records, fields or keys touched in one table or store',
})
export class PrivacyJobCountObject {
  @Field(() => String, { description: 'e.g. `logs.records`, `logs.fields`, `api_keys`' })
  name!: string;

  @Field(() => Float, { description: 'A whole number; Float because counts can pass 2^31' })
  count!: number;
}

@ObjectType('PrivacyJobReport')
export class PrivacyJobReportObject {
  @Field(() => [PrivacyJobCountObject])
  counts!: PrivacyJobCountObject[];

  @Field(() => [String])
  errors!: string[];

  @Field(() => Int, { nullable: true, description: 'Exports: size of the archive in bytes' })
  bytes!: number | null;
}

@ObjectType('PrivacyJob', { description: 'A tenant export or an erasure, run in the background' })
export class PrivacyJobObject {
  @Field(() => ID)
  id!: string;

  @Field(() => PrivacyJobKindEnum)
  kind!: PrivacyJobKind;

  @Field(() => PrivacyJobStatusEnum)
  status!: PrivacyJobStatus;

  @Field(() => String, { description: 'The credential that asked: `api_key:<id>` or `user:<id>`' })
  requestedBy!: string;

  @Field(() => GraphQLISODateTime)
  requestedAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  startedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => PrivacyJobReportObject, { nullable: true, description: 'Once the job has run' })
  report!: PrivacyJobReportObject | null;

  @Field(() => String, {
    nullable: true,
    description: 'Finished exports: where an admin downloads the archive (gzip NDJSON)',
  })
  downloadPath!: string | null;

  static from(job: PrivacyJobEntity): PrivacyJobObject {
    const o = new PrivacyJobObject();
    o.id = job.id;
    o.kind = job.kind;
    o.status = job.status;
    o.requestedBy = job.requestedBy;
    o.requestedAt = job.requestedAt;
    o.startedAt = job.startedAt;
    o.finishedAt = job.finishedAt;
    o.report = job.report
      ? {
          counts: Object.entries(job.report.counts).map(([name, count]) => ({ name, count })),
          errors: job.report.errors,
          bytes: job.report.bytes ?? null,
        }
      : null;
    o.downloadPath =
      job.kind === 'export' && job.status === 'done' ? `/api/v1/exports/${job.id}` : null;
    return o;
  }
}
