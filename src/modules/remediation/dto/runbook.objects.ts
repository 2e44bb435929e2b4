import { Field, GraphQLISODateTime, Int, ObjectType } from '@nestjs/graphql';

import { JsonScalar } from '../../../common/graphql/json.scalar';
import type { RunbookRow, RunbookVersionRow } from '../runbook.repository';
import type { DryRun } from '../runbooks.service';

@ObjectType('RunbookVersion')
export class RunbookVersionObject {
  @Field(() => Int)
  version!: number;

  @Field(() => JsonScalar)
  definition!: unknown;

  @Field()
  createdBy!: string;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  static from(r: RunbookVersionRow): RunbookVersionObject {
    return Object.assign(new RunbookVersionObject(), r);
  }
}

@ObjectType('Runbook', { description: 'A declarative, versioned remediation workflow' })
export class RunbookObject {
  @Field()
  id!: string;

  @Field()
  name!: string;

  @Field(() => Int, { description: 'The current version' })
  version!: number;

  @Field(() => JsonScalar, {
    description: 'Its trigger (alert, anomaly, incident, schedule, manual)',
  })
  trigger!: unknown;

  @Field(() => JsonScalar, { description: 'The current version’s definition' })
  definition!: unknown;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime)
  updatedAt!: Date;

  static from(r: RunbookRow): RunbookObject {
    return Object.assign(new RunbookObject(), { ...r, trigger: r.definition.trigger });
  }
}

@ObjectType('RunbookProblem')
export class RunbookProblemObject {
  @Field({ description: 'A JSON pointer into the definition, e.g. /steps/2/url' })
  path!: string;

  @Field()
  message!: string;
}

@ObjectType('RunbookValidation')
export class RunbookValidationObject {
  @Field()
  ok!: boolean;

  @Field(() => [RunbookProblemObject])
  errors!: RunbookProblemObject[];
}

@ObjectType('RunbookParameterProblem')
export class ParameterProblemObject {
  @Field()
  parameter!: string;

  @Field()
  message!: string;
}

@ObjectType('RunbookDryRun', {
  description: 'What a run would call, templates resolved and secrets masked; nothing was called',
})
export class DryRunObject {
  @Field({ description: 'False when a parameter or a step would not pass its checks' })
  ok!: boolean;

  @Field(() => [ParameterProblemObject], {
    description: 'Parameters that failed their type, pattern or allowlist: the run stops here',
  })
  parameterErrors!: ParameterProblemObject[];

  @Field(() => JsonScalar, { nullable: true, description: 'Each step with its resolved action' })
  plan!: unknown;

  static from(d: DryRun): DryRunObject {
    return Object.assign(
      new DryRunObject(),
      d.ok
        ? { ok: d.plan.ok, parameterErrors: [], plan: d.plan }
        : { ok: false, parameterErrors: d.parameterErrors, plan: null },
    );
  }
}
