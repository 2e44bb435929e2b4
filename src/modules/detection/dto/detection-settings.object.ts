import { Field, Float, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

import type { ResolvedSettings } from '../detection-settings';
import { AnomalyKindValue } from './anomaly.object';

export enum SessionKeySourceValue {
  TRACE = 'trace',
  ATTRIBUTE = 'attribute',
  PARAMETER = 'parameter',
}
registerEnumType(SessionKeySourceValue, {
  name: 'SessionKeySource',
  description:
    'Where the sequence detector reads a record’s session: its trace id, an attribute, or the first pattern parameter matching an RE2 pattern',
});

@ObjectType('SessionKey')
export class SessionKeyObject {
  @Field(() => SessionKeySourceValue)
  source!: SessionKeySourceValue;

  @Field(() => String, { nullable: true, description: 'The attribute (source ATTRIBUTE)' })
  name!: string | null;

  @Field(() => String, { nullable: true, description: 'The RE2 pattern (source PARAMETER)' })
  pattern!: string | null;
}

@InputType('SessionKeyInput')
export class SessionKeyInput {
  @Field(() => SessionKeySourceValue)
  source!: SessionKeySourceValue;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'e.g. blk_-?\\d+ for HDFS block ids' })
  pattern?: string | null;
}

@ObjectType('ServiceDetectionSettings')
export class ServiceDetectionSettingsObject {
  @Field()
  service!: string;

  @Field(() => Float, { nullable: true })
  sensitivity!: number | null;

  @Field(() => [AnomalyKindValue], { nullable: true })
  detectors!: AnomalyKindValue[] | null;

  @Field()
  muted!: boolean;

  @Field(() => Float, { nullable: true })
  learningHours!: number | null;
}

@ObjectType('DetectionSettings', { description: 'How anomalies are detected for the tenant' })
export class DetectionSettingsObject {
  @Field()
  enabled!: boolean;

  @Field(() => Int, { description: 'The detectors’ aggregation window' })
  windowSeconds!: number;

  @Field(() => Float, {
    description: 'Hours a detector learns a service (or pattern) before it raises anything',
  })
  learningHours!: number;

  @Field(() => Float, { description: 'In (0, 1]; higher finds more, and cries wolf more' })
  sensitivity!: number;

  @Field(() => [AnomalyKindValue])
  detectors!: AnomalyKindValue[];

  @Field(() => SessionKeyObject)
  sessionKey!: SessionKeyObject;

  @Field(() => [ServiceDetectionSettingsObject])
  services!: ServiceDetectionSettingsObject[];

  static from(r: ResolvedSettings): DetectionSettingsObject {
    const o = new DetectionSettingsObject();
    const c = r.config;
    o.enabled = r.enabled;
    o.windowSeconds = c.settings.windowMs / 1000;
    o.learningHours = c.settings.learningMs / 3_600_000;
    o.sensitivity = c.settings.sensitivity;
    o.detectors = c.enabled as AnomalyKindValue[];
    const key = r.sessionKey;
    o.sessionKey = {
      source: key.source as SessionKeySourceValue,
      name: key.source === 'attribute' ? key.name : null,
      pattern: key.source === 'parameter' ? key.pattern : null,
    };
    o.services = Object.entries(r.services).map(([service, s]) => ({
      service,
      sensitivity: s.sensitivity ?? null,
      detectors: (s.detectors as AnomalyKindValue[] | undefined) ?? null,
      muted: s.muted ?? false,
      learningHours: s.learningHours ?? null,
    }));
    return o;
  }
}

@InputType('DetectionSettingsInput', {
  description: 'Replaces the tenant’s settings; a field left out takes its default',
})
export class DetectionSettingsInput {
  @Field(() => Boolean, { nullable: true })
  enabled?: boolean | null;

  @Field(() => Int, { nullable: true, description: '10 to 3600 (default 60)' })
  windowSeconds?: number | null;

  @Field(() => Float, { nullable: true, description: '0 to 672 (default 6)' })
  learningHours?: number | null;

  @Field(() => Float, { nullable: true, description: 'In (0, 1] (default 0.5)' })
  sensitivity?: number | null;

  @Field(() => [AnomalyKindValue], { nullable: true, description: 'Default: all' })
  detectors?: AnomalyKindValue[] | null;

  @Field(() => SessionKeyInput, { nullable: true, description: 'Default: the trace id' })
  sessionKey?: SessionKeyInput | null;
}

@InputType('ServiceDetectionSettingsInput')
export class ServiceDetectionSettingsInput {
  @Field(() => Float, { nullable: true })
  sensitivity?: number | null;

  @Field(() => [AnomalyKindValue], { nullable: true })
  detectors?: AnomalyKindValue[] | null;

  @Field(() => Boolean, { nullable: true, description: 'No anomalies for this service at all' })
  muted?: boolean | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Hours from the service’s first record before it raises anything (a longer learning period than the tenant’s)',
  })
  learningHours?: number | null;
}
