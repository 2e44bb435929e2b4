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

import type { AnomalyRow } from '../anomaly.repository';

/** GraphQL names the detector kinds in capitals; values are the stored names. */
export enum AnomalyKindValue {
  NEW_PATTERN = 'new_pattern',
  PATTERN_RATE = 'pattern_rate',
  ERROR_SURGE = 'error_surge',
  WINDOW_OUTLIER = 'window_outlier',
  SEQUENCE = 'sequence',
  PARAMETER_OUTLIER = 'parameter_outlier',
  /** An early warning from forecasting: a series is heading for a level it should not reach. */
  TREND = 'trend',
}
registerEnumType(AnomalyKindValue, {
  name: 'AnomalyKind',
  description: 'The detector that raised (the strongest evidence of) an anomaly',
});

export enum AnomalyStatusValue {
  OPEN = 'open',
  RESOLVED = 'resolved',
}
registerEnumType(AnomalyStatusValue, { name: 'AnomalyStatus' });

export enum AnomalyEventTypeValue {
  OPENED = 'opened',
  UPDATED = 'updated',
  RESOLVED = 'resolved',
}
registerEnumType(AnomalyEventTypeValue, { name: 'AnomalyEventType' });

@InputType('AnomalyFilter')
export class AnomalyFilterInput {
  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'Anomalies still going on at or after this time (ignored by subscriptions)',
  })
  from?: Date | null;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'Anomalies that started before this time (ignored by subscriptions)',
  })
  to?: Date | null;

  @Field(() => [String], { nullable: true })
  services?: string[] | null;

  @Field(() => [AnomalyKindValue], {
    nullable: true,
    description: 'Anomalies any of these detectors contributed to',
  })
  kinds?: AnomalyKindValue[] | null;

  @Field(() => Float, { nullable: true, description: 'At least this score, in [0, 1]' })
  minScore?: number | null;

  @Field(() => AnomalyStatusValue, { nullable: true })
  status?: AnomalyStatusValue | null;
}

@ObjectType('AnomalyPattern')
export class AnomalyPatternObject {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  template!: string | null;
}

@ObjectType('AnomalyEvidence', { description: 'What the detectors saw' })
export class AnomalyEvidenceObject {
  @Field(() => [AnomalyPatternObject], { description: 'Patterns involved, most telling first' })
  patterns!: AnomalyPatternObject[];

  @Field(() => Float, { nullable: true, description: 'The value seen (per window, share, ...)' })
  observed!: number | null;

  @Field(() => Float, { nullable: true, description: 'What the baseline expected instead' })
  expected!: number | null;

  @Field(() => String, { nullable: true, description: 'Unit of observed and expected' })
  unit!: string | null;

  @Field(() => [ID], { description: 'Records that show it (ids usable with `id:` in a query)' })
  exampleLogIds!: string[];

  @Field(() => String, { nullable: true, description: 'The session of a sequence anomaly' })
  sessionKey!: string | null;

  @Field(() => [String], {
    nullable: true,
    description: 'The session’s pattern ids in order (a sequence anomaly)',
  })
  sequence!: string[] | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Which <*> of the pattern, counting from 0 (a parameter outlier)',
  })
  parameterIndex!: number | null;
}

@ObjectType('AnomalyLogFilter', {
  description: 'A LogFilter for the anomaly’s records: pass its fields to `logs(filter:)`',
})
export class AnomalyLogFilterObject {
  @Field(() => GraphQLISODateTime)
  from!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  to!: Date | null;

  @Field(() => [String])
  services!: string[];

  @Field(() => String, { description: 'In the search language' })
  query!: string;
}

@ObjectType('Anomaly', { description: 'Something not normal on a service, open or resolved' })
export class AnomalyObject {
  @Field(() => ID)
  id!: string;

  @Field()
  service!: string;

  @Field(() => AnomalyKindValue)
  kind!: AnomalyKindValue;

  @Field(() => [AnomalyKindValue], { description: 'Every detector that contributed' })
  kinds!: AnomalyKindValue[];

  @Field(() => Float, { description: 'In [0, 1]: the detectors’ combined confidence' })
  score!: number;

  @Field(() => AnomalyStatusValue)
  status!: AnomalyStatusValue;

  @Field(() => GraphQLISODateTime)
  startedAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  endedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { description: 'When (in log time) it was detected' })
  detectedAt!: Date;

  @Field(() => GraphQLISODateTime)
  lastActivityAt!: Date;

  @Field()
  explanation!: string;

  @Field(() => AnomalyEvidenceObject)
  evidence!: AnomalyEvidenceObject;

  @Field(() => [String], { description: 'What the detectors pointed at (patterns, sessions...)' })
  subjects!: string[];

  @Field(() => AnomalyLogFilterObject)
  logFilter!: AnomalyLogFilterObject;

  static from(r: AnomalyRow): AnomalyObject {
    const o = new AnomalyObject();
    o.id = r.id;
    o.service = r.service;
    o.kind = r.kind as AnomalyKindValue;
    o.kinds = r.kinds as AnomalyKindValue[];
    o.score = r.score;
    o.status = r.status as AnomalyStatusValue;
    o.startedAt = new Date(r.startedAt);
    o.endedAt = r.endedAt === null ? null : new Date(r.endedAt);
    o.detectedAt = new Date(r.detectedAt);
    o.lastActivityAt = new Date(r.lastActivity);
    o.explanation = r.explanation;
    const e = r.evidence;
    o.evidence = {
      patterns: e.patternIds.map((id, i) => ({ id, template: e.templates?.[i] || null })),
      observed: e.observed ?? null,
      expected: e.expected ?? null,
      unit: e.unit ?? null,
      exampleLogIds: e.exampleLogIds,
      sessionKey: e.sessionKey ?? null,
      sequence: e.sequence ?? null,
      parameterIndex: e.parameterIndex ?? null,
    };
    o.subjects = r.subjects;
    o.logFilter = logFilterOf(r);
    return o;
  }
}

/** The records behind an anomaly: its service and time span, narrowed to its evidence. */
function logFilterOf(r: AnomalyRow): AnomalyLogFilterObject {
  const e = r.evidence;
  const terms: string[] = [];
  if (r.kind === 'sequence' && e.sessionKey && /^[0-9a-f]{16,32}$/i.test(e.sessionKey)) {
    terms.push(`trace_id:${e.sessionKey}`);
  } else if (e.patternIds.length > 0) {
    terms.push(e.patternIds.map((id) => `pattern:${id}`).join(' OR '));
  }
  if (r.kind === 'error_surge') terms.push('level:(error OR fatal)');
  const query = terms.length > 1 ? terms.map((t) => `(${t})`).join(' AND ') : (terms[0] ?? '');
  return {
    from: new Date(r.startedAt),
    to: r.endedAt === null ? null : new Date(r.endedAt + 1),
    services: [r.service],
    query,
  };
}

@ObjectType('AnomalyEdge')
export class AnomalyEdgeObject {
  @Field()
  cursor!: string;

  @Field(() => AnomalyObject)
  node!: AnomalyObject;
}

@ObjectType('AnomalyConnection')
export class AnomalyConnectionObject {
  @Field(() => [AnomalyEdgeObject])
  edges!: AnomalyEdgeObject[];

  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType('AnomalyEvent', { description: 'An anomaly opened, updated or resolved' })
export class AnomalyEventObject {
  @Field(() => AnomalyEventTypeValue)
  type!: AnomalyEventTypeValue;

  @Field(() => AnomalyObject)
  anomaly!: AnomalyObject;
}
