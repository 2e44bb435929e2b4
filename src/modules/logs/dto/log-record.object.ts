import { Field, Float, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';

import { JsonScalar } from '../../../common/graphql/json.scalar';
import { type LogRecord, storedCategory } from '../log-record';

@ObjectType('LogRecord', { description: 'One log record, in the OpenTelemetry log data model' })
export class LogRecordObject {
  @Field(() => ID)
  id!: string;

  @Field(() => GraphQLISODateTime, {
    description: 'When the event happened (from the record, else arrival)',
  })
  timestamp!: Date;

  @Field(() => GraphQLISODateTime, { description: 'When Vigil received it' })
  observedTimestamp!: Date;

  @Field({ description: 'Canonical level: trace, debug, info, warn, error, fatal, or empty' })
  severityText!: string;

  @Field(() => Int, { description: 'OpenTelemetry severity number (1-24, 0 = unspecified)' })
  severityNumber!: number;

  @Field()
  body!: string;

  @Field()
  service!: string;

  @Field()
  host!: string;

  @Field({ description: 'Where it was sent: the Elasticsearch index name or the endpoint dataset' })
  dataset!: string;

  @Field()
  format!: string;

  @Field(() => JsonScalar, { description: 'The remaining fields, flattened to dotted keys' })
  attributes!: Record<string, unknown>;

  @Field(() => String, { nullable: true })
  traceId!: string | null;

  @Field(() => String, { nullable: true })
  spanId!: string | null;

  @Field(() => String, { nullable: true, description: 'The pattern the message belongs to' })
  patternId!: string | null;

  @Field(() => [String], { description: 'The values behind the pattern template’s <*>, in order' })
  patternParams!: string[];

  @Field(() => String, {
    nullable: true,
    description:
      'The category the tenant’s classifier gave the record at ingest (security, database, …); null when none did',
  })
  category!: string | null;

  @Field(() => Float, {
    nullable: true,
    description: 'The classifier’s calibrated probability for the category, 0 to 1',
  })
  categoryConfidence!: number | null;

  static from(r: LogRecord): LogRecordObject {
    const o = new LogRecordObject();
    o.id = r.id;
    o.timestamp = new Date(r.timestamp);
    o.observedTimestamp = new Date(r.observedTimestamp);
    o.severityText = r.severityText;
    o.severityNumber = r.severityNumber;
    o.body = r.body;
    o.service = r.service;
    o.host = r.host;
    o.dataset = r.dataset;
    o.format = r.format;
    o.attributes = r.attributes;
    o.traceId = r.traceId;
    o.spanId = r.spanId;
    o.patternId = r.patternId ?? null;
    o.patternParams = r.patternParams ?? [];
    // As the stores keep them, so that a live-tailed record reads like the stored one.
    const { category, categoryConfidence } = storedCategory(r);
    o.category = category;
    o.categoryConfidence = categoryConfidence;
    return o;
  }
}
