import { Field, GraphQLISODateTime, Int, ObjectType } from '@nestjs/graphql';

import type { LogFilterInput } from '../log-search.service';
import { LogRecordObject } from './log-record.object';

@ObjectType('LogEdge')
export class LogEdgeObject {
  @Field()
  cursor!: string;

  @Field(() => LogRecordObject)
  node!: LogRecordObject;
}

@ObjectType('PageInfo')
export class PageInfoObject {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType('LogConnection', { description: 'A page of log records, newest first' })
export class LogConnectionObject {
  @Field(() => [LogEdgeObject])
  edges!: LogEdgeObject[];

  @Field(() => PageInfoObject)
  pageInfo!: PageInfoObject;

  /** Not in the schema: what `totalCount` counts, resolved only when asked for. */
  tenantId!: string;
  filter!: LogFilterInput;
}

@ObjectType('HistogramBucket')
export class HistogramBucketObject {
  @Field(() => GraphQLISODateTime)
  start!: Date;

  @Field(() => Int)
  count!: number;
}

@ObjectType('FacetBucket')
export class FacetBucketObject {
  @Field()
  value!: string;

  @Field(() => Int)
  count!: number;
}
