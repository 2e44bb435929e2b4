import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType } from '@nestjs/graphql';

import { JsonScalar } from '../../../common/graphql/json.scalar';
import type { RemediationSettings } from '../runs/remediation-settings.service';
import type { RunRow, StepRow } from '../runs/run.repository';
import { encodeRunCursor } from '../runs/run-cursor';
import { DryRunObject } from './runbook.objects';

@ObjectType('RunbookRunStep', { description: 'One step of a run and what it did' })
export class RunStepObject {
  @Field(() => Int)
  index!: number;

  @Field()
  stepId!: string;

  @Field()
  kind!: string;

  @Field({ description: 'pending, running, waiting, succeeded, failed, skipped or cancelled' })
  status!: string;

  @Field(() => Int)
  attempts!: number;

  @Field(() => JsonScalar, {
    nullable: true,
    description: 'The resolved action, secrets masked: what was called',
  })
  action!: unknown;

  @Field(() => JsonScalar, { nullable: true, description: 'What the step returned or observed' })
  output!: unknown;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => String, { nullable: true, description: 'Who approved or refused (approval steps)' })
  decidedBy!: string | null;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When an approval times out, or a verify step gives up',
  })
  deadline!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  startedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  finishedAt!: Date | null;

  static from(s: StepRow): RunStepObject {
    return Object.assign(new RunStepObject(), s);
  }
}

@ObjectType('RunbookRun', { description: 'One run of a runbook' })
export class RunObject {
  @Field(() => ID)
  id!: string;

  @Field()
  runbookId!: string;

  @Field(() => Int)
  version!: number;

  @Field({
    description:
      'queued, running, waiting, succeeded, failed, cancelled, skipped (never started: a limit, the kill switch or loop detection) or ineffective (succeeded, but its alert fired again)',
  })
  status!: string;

  @Field(() => String, { nullable: true, description: 'Why it ended as it did, in words' })
  reason!: string | null;

  @Field(() => JsonScalar, {
    description: 'What started it (manual, alert, anomaly, incident, schedule)',
  })
  trigger!: unknown;

  @Field(() => String, { nullable: true })
  alertFingerprint!: string | null;

  @Field(() => JsonScalar, { description: 'Its parameters, bound and checked' })
  params!: unknown;

  @Field({ description: 'True once a verify step confirmed the fix' })
  verified!: boolean;

  @Field()
  startedBy!: string;

  @Field(() => Int)
  currentStep!: number;

  @Field(() => [RunStepObject])
  steps!: RunStepObject[];

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime)
  updatedAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  finishedAt!: Date | null;

  @Field({ description: 'Pass as `after` to `runbookRuns` for the runs older than this one' })
  cursor!: string;

  static from(r: RunRow, steps: readonly StepRow[]): RunObject {
    return Object.assign(new RunObject(), r, {
      steps: steps.map((s) => RunStepObject.from(s)),
      cursor: encodeRunCursor(r),
    });
  }
}

@ObjectType('StartRunbookResult')
export class StartRunbookResultObject {
  @Field(() => RunObject, { nullable: true, description: 'The run, unless this was a dry run' })
  run!: RunObject | null;

  @Field(() => DryRunObject, { nullable: true, description: 'The plan, for a dry run' })
  dryRun!: DryRunObject | null;
}

@InputType('RunbookRunFilter')
export class RunFilterInput {
  @Field(() => String, { nullable: true })
  runbookId?: string | null;

  @Field(() => String, { nullable: true })
  status?: string | null;

  @Field(() => String, { nullable: true })
  alertFingerprint?: string | null;
}

@ObjectType('RemediationSettings')
export class RemediationSettingsObject {
  @Field({ description: "The tenant's kill switch: false halts every run at its next step" })
  enabled!: boolean;

  @Field(() => String, { nullable: true })
  haltedBy!: string | null;

  @Field({ description: 'True while the installation-wide kill switch is on' })
  globallyHalted!: boolean;

  @Field(() => Int)
  maxRunsPerHour!: number;

  @Field(() => JsonScalar, {
    description: 'maxRunsPerHour, maxActionsPerTargetPerHour, maxTargets, loopWindowSeconds',
  })
  limits!: unknown;

  @Field()
  allowPrivateNetwork!: boolean;

  @Field(() => JsonScalar, {
    description:
      'Kubernetes clusters by name: server, tokenSecret (a secret name), caData, skipTlsVerify',
  })
  clusters!: unknown;

  static from(s: RemediationSettings, globallyHalted: boolean): RemediationSettingsObject {
    return Object.assign(new RemediationSettingsObject(), s, { globallyHalted });
  }
}

@InputType('RemediationSettingsInput')
export class RemediationSettingsInput {
  @Field(() => Int, { nullable: true })
  maxRunsPerHour?: number | null;

  @Field(() => JsonScalar, { nullable: true })
  limits?: unknown;

  @Field(() => Boolean, { nullable: true })
  allowPrivateNetwork?: boolean | null;

  @Field(() => JsonScalar, { nullable: true })
  clusters?: unknown;
}
