import { Field, GraphQLISODateTime, ID, ObjectType, registerEnumType } from '@nestjs/graphql';

import { JsonScalar } from '../../../common/graphql/json.scalar';
import { PageInfoObject } from '../../logs/dto/log-connection.object';
import type { AuditRow } from '../audit.repository';

export enum AuditActorKind {
  user = 'user',
  api_key = 'api_key',
  system = 'system',
}
registerEnumType(AuditActorKind, { name: 'AuditActorKind' });

@ObjectType('AuditActor', { description: 'Who acted' })
export class AuditActorObject {
  @Field(() => AuditActorKind)
  kind!: AuditActorKind;

  @Field(() => String, { nullable: true, description: 'User or API key id' })
  id!: string | null;

  @Field(() => String, { nullable: true, description: 'E-mail, key name or system job' })
  label!: string | null;
}

@ObjectType('AuditTarget', { description: 'What was acted on' })
export class AuditTargetObject {
  @Field()
  kind!: string;

  @Field(() => String, { nullable: true })
  id!: string | null;
}

@ObjectType('AuditEntry', { description: 'One security-relevant or configuration action' })
export class AuditEntryObject {
  @Field(() => ID)
  id!: string;

  @Field(() => GraphQLISODateTime)
  at!: Date;

  @Field(() => AuditActorObject)
  actor!: AuditActorObject;

  @Field(() => String, { description: 'Dotted name, e.g. auth.login or secret.set' })
  action!: string;

  @Field(() => AuditTargetObject, { nullable: true })
  target!: AuditTargetObject | null;

  @Field(() => String, { nullable: true, description: 'Client address' })
  ip!: string | null;

  @Field(() => String, { nullable: true })
  userAgent!: string | null;

  @Field(() => JsonScalar, { description: 'What changed (never a secret value)' })
  details!: Record<string, unknown>;

  static from(row: AuditRow): AuditEntryObject {
    const o = new AuditEntryObject();
    o.id = row.id;
    o.at = row.at;
    o.actor = { kind: row.actorKind as AuditActorKind, id: row.actorId, label: row.actorLabel };
    o.action = row.action;
    o.target = row.targetKind === null ? null : { kind: row.targetKind, id: row.targetId };
    o.ip = row.ip;
    o.userAgent = row.userAgent;
    o.details = row.details;
    return o;
  }
}

@ObjectType('AuditEdge')
export class AuditEdgeObject {
  @Field()
  cursor!: string;

  @Field(() => AuditEntryObject)
  node!: AuditEntryObject;
}

@ObjectType('AuditConnection', { description: 'A page of audit entries, newest first' })
export class AuditConnectionObject {
  @Field(() => [AuditEdgeObject])
  edges!: AuditEdgeObject[];

  @Field(() => PageInfoObject)
  pageInfo!: PageInfoObject;
}
