import {
  Field,
  Float,
  GraphQLISODateTime,
  ID,
  InputType,
  Int,
  ObjectType,
  registerEnumType,
} from '@nestjs/graphql';

import { JsonScalar } from '../../../common/graphql/json.scalar';
import type { FeedbackRow } from '../feedback.repository';
import type { LabelingItem } from '../labeling.service';
import type { ModelDriftEvent } from '../model-drift.events';

export enum FeedbackTargetValue {
  LOG = 'log',
  PATTERN = 'pattern',
  ANOMALY = 'anomaly',
}
registerEnumType(FeedbackTargetValue, { name: 'FeedbackTarget' });

export enum AnomalyVerdictValue {
  TRUE_POSITIVE = 'true_positive',
  FALSE_POSITIVE = 'false_positive',
  NOISE = 'noise',
}
registerEnumType(AnomalyVerdictValue, {
  name: 'AnomalyVerdict',
  description:
    'TRUE_POSITIVE: it was real; FALSE_POSITIVE: nothing was wrong; NOISE: real but not worth a look',
});

@InputType('LabelInput', { description: 'At least one of them' })
export class LabelInputObject {
  @Field(() => String, { nullable: true, description: 'A category of the taxonomy' })
  category?: string | null;

  @Field(() => String, { nullable: true, description: 'trace, debug, info, warn, error or fatal' })
  severity?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Noise (the routine category)' })
  noise?: boolean | null;
}

@InputType('FeedbackFilter')
export class FeedbackFilterInput {
  @Field(() => FeedbackTargetValue, { nullable: true })
  targetKind?: FeedbackTargetValue | null;

  @Field(() => String, { nullable: true })
  targetId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only the current version of each label' })
  current?: boolean | null;
}

@ObjectType('Feedback', {
  description: 'One label, one version; a new label on its target supersedes it',
})
export class FeedbackObject {
  @Field(() => ID)
  id!: string;

  @Field(() => FeedbackTargetValue)
  targetKind!: FeedbackTargetValue;

  @Field()
  targetId!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => String, { nullable: true })
  category!: string | null;

  @Field(() => String, { nullable: true })
  severity!: string | null;

  @Field(() => AnomalyVerdictValue, { nullable: true })
  verdict!: AnomalyVerdictValue | null;

  @Field(() => JsonScalar, { description: 'What was labelled, as it was then' })
  subject!: Record<string, unknown>;

  @Field()
  givenBy!: string;

  @Field(() => GraphQLISODateTime)
  givenAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  supersededAt!: Date | null;

  static from(r: FeedbackRow): FeedbackObject {
    return Object.assign(new FeedbackObject(), {
      ...r,
      targetKind: r.targetKind as FeedbackTargetValue,
      verdict: r.verdict as AnomalyVerdictValue | null,
      subject: r.subject as Record<string, unknown>,
    });
  }
}

@ObjectType('LabelingItem', { description: 'A pattern the model is unsure of' })
export class LabelingItemObject {
  @Field()
  patternId!: string;

  @Field()
  service!: string;

  @Field()
  template!: string;

  @Field()
  example!: string;

  @Field(() => Int, { description: 'Its records over the last week' })
  count!: number;

  @Field({ description: 'What the model says now' })
  category!: string;

  @Field(() => Float)
  confidence!: number;

  @Field(() => Float, { description: '0: sure; 1: a coin toss between the top two' })
  uncertainty!: number;

  @Field(() => String, { nullable: true, description: 'The runner-up category' })
  alternative!: string | null;

  static from(i: LabelingItem): LabelingItemObject {
    return Object.assign(new LabelingItemObject(), i);
  }
}

@ObjectType('ServiceDrift')
export class ServiceDriftObject {
  @Field()
  service!: string;

  @Field(() => Float, { description: 'Jensen–Shannon divergence of its pattern mix (bits)' })
  patternDrift!: number;

  @Field(() => Float, { description: 'Jensen–Shannon divergence of its category mix (bits)' })
  categoryDrift!: number;
}

@ObjectType('ModelDrift', { description: 'What the classifier sees moved away from its training' })
export class ModelDriftObject {
  @Field(() => GraphQLISODateTime)
  at!: Date;

  @Field(() => Int)
  modelVersion!: number;

  @Field(() => [ServiceDriftObject])
  services!: ServiceDriftObject[];

  static from(e: ModelDriftEvent): ModelDriftObject {
    return Object.assign(new ModelDriftObject(), { ...e, at: new Date(e.at) });
  }
}
