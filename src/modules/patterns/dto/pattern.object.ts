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

import { describeParams, type PatternSummary } from '../pattern-catalog.service';
import type { PatternRow } from '../pattern.repository';

export enum PatternTrendValue {
  NEW = 'NEW',
  RISING = 'RISING',
  FALLING = 'FALLING',
  STEADY = 'STEADY',
}
registerEnumType(PatternTrendValue, {
  name: 'PatternTrend',
  description: 'From the counts of the first and second half of the range',
});

@InputType('PatternFilter')
export class PatternFilterInput {
  @Field(() => [String], { nullable: true })
  services?: string[] | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Default: 24 hours before to' })
  from?: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Default: now' })
  to?: Date | null;

  @Field(() => String, { nullable: true, description: 'Text in the template or name, or an id' })
  search?: string | null;
}

@ObjectType('PatternValueCount')
export class PatternValueCountObject {
  @Field()
  value!: string;

  @Field(() => Float)
  count!: number;
}

@ObjectType('PatternNumericStats')
export class PatternNumericStatsObject {
  @Field(() => Float)
  count!: number;

  @Field(() => Float)
  min!: number;

  @Field(() => Float)
  max!: number;

  @Field(() => Float)
  mean!: number;
}

@ObjectType('PatternParameter', { description: 'The values seen behind one <*> of the template' })
export class PatternParameterObject {
  @Field(() => Int)
  position!: number;

  @Field(() => [PatternValueCountObject], { description: 'The most frequent values' })
  values!: PatternValueCountObject[];

  @Field(() => Float, { description: 'Occurrences of values not listed' })
  otherCount!: number;

  @Field(() => PatternNumericStatsObject, { nullable: true })
  numeric!: PatternNumericStatsObject | null;
}

@ObjectType('Pattern', { description: 'A log template mined from one service’s messages' })
export class PatternObject {
  @Field(() => ID)
  id!: string;

  @Field()
  service!: string;

  @Field()
  template!: string;

  @Field(() => String, { nullable: true, description: 'The name a user gave it' })
  name!: string | null;

  @Field(() => GraphQLISODateTime)
  firstSeen!: Date;

  @Field(() => GraphQLISODateTime)
  lastSeen!: Date;

  @Field(() => Float, { description: 'Records since it was first seen' })
  totalCount!: number;

  @Field(() => Float, { nullable: true, description: 'Records in the filter’s range' })
  count!: number | null;

  @Field(() => PatternTrendValue, { nullable: true })
  trend!: PatternTrendValue | null;

  @Field(() => [String], { description: 'Earlier ids (before it generalised, merged patterns)' })
  aliases!: string[];

  @Field()
  pinned!: boolean;

  @Field()
  userDefined!: boolean;

  @Field(() => [String], { description: 'A few example messages' })
  examples!: string[];

  @Field(() => [PatternParameterObject])
  parameters!: PatternParameterObject[];

  static from(r: PatternRow | PatternSummary): PatternObject {
    const o = new PatternObject();
    o.id = r.id;
    o.service = r.service;
    o.template = r.template;
    o.name = r.name;
    o.firstSeen = r.firstSeen;
    o.lastSeen = r.lastSeen;
    o.totalCount = r.count;
    o.count = 'rangeCount' in r ? r.rangeCount : null;
    o.trend = 'trend' in r ? PatternTrendValue[r.trend] : null;
    o.aliases = r.aliases;
    o.pinned = r.pinned;
    o.userDefined = r.userDefined;
    o.examples = r.examples;
    o.parameters = describeParams(r.paramStats);
    return o;
  }
}

@ObjectType('PatternEdge')
export class PatternEdgeObject {
  @Field()
  cursor!: string;

  @Field(() => PatternObject)
  node!: PatternObject;
}

@ObjectType('PatternConnection')
export class PatternConnectionObject {
  @Field(() => [PatternEdgeObject])
  edges!: PatternEdgeObject[];

  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}
