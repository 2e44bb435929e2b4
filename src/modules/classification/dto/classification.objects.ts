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
import type { ClassificationReport } from '../../../ml/classify/log-classifier';
import type { Taxonomy } from '../../../ml/classify/taxonomy';
import type { ModelEventRow, ModelVersionRow } from '../model.repository';

export enum ModelStatusValue {
  SHADOW = 'shadow',
  ACTIVE = 'active',
  RETIRED = 'retired',
  REJECTED = 'rejected',
}
registerEnumType(ModelStatusValue, {
  name: 'ClassifierModelStatus',
  description: 'shadow: runs beside the active one until reviewed; rejected: never served',
});

@ObjectType('ClassificationCategory')
export class CategoryObject {
  @Field()
  name!: string;

  @Field()
  description!: string;

  @Field(() => [String], { description: 'Words that suggest it (weak labels)' })
  keywords!: string[];

  @Field(() => [String], { description: 'Regular expressions that suggest it (weak labels)' })
  patterns!: string[];

  static list(t: Taxonomy): CategoryObject[] {
    return t.categories.map((c) =>
      Object.assign(new CategoryObject(), {
        name: c.name,
        description: c.description,
        keywords: [...(c.keywords ?? [])],
        patterns: [...(c.patterns ?? [])],
      }),
    );
  }
}

@InputType('ClassificationCategoryInput')
export class CategoryInput {
  @Field({ description: 'lowercase snake_case' })
  name!: string;

  @Field()
  description!: string;

  @Field(() => [String], { nullable: true })
  keywords?: string[] | null;

  @Field(() => [String], { nullable: true })
  patterns?: string[] | null;
}

@ObjectType('ClassMetrics')
export class ClassMetricsObject {
  @Field()
  category!: string;

  @Field(() => Float)
  precision!: number;

  @Field(() => Float)
  recall!: number;

  @Field(() => Float)
  f1!: number;

  @Field(() => Int)
  support!: number;
}

@ObjectType('ClassifierMetrics', { description: 'On held-out labelled examples' })
export class MetricsObject {
  @Field(() => Float)
  accuracy!: number;

  @Field(() => Float)
  macroF1!: number;

  @Field(() => Float, { description: 'Expected calibration error (10 bins)' })
  ece!: number;

  @Field(() => Float)
  brier!: number;

  @Field(() => [ClassMetricsObject])
  perClass!: ClassMetricsObject[];

  static from(r: ClassificationReport): MetricsObject {
    return Object.assign(new MetricsObject(), {
      accuracy: r.accuracy,
      macroF1: r.macroF1,
      ece: r.ece,
      brier: r.brier,
      perClass: Object.entries(r.perClass).map(([category, m]) => ({ category, ...m })),
    });
  }
}

@ObjectType('ClassifierTraining')
export class TrainingObject {
  @Field({ description: 'feedback, schedule, drift or manual' })
  reason!: string;

  @Field(() => Int)
  humanLabels!: number;

  @Field(() => Int)
  weakLabels!: number;

  @Field(() => Int, { description: 'Held-out examples the metrics were measured on' })
  holdout!: number;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Oldest label used' })
  from!: Date | null;

  @Field(() => GraphQLISODateTime)
  to!: Date;
}

@ObjectType('ShadowStats', { description: 'How a shadow version fared beside the active one' })
export class ShadowStatsObject {
  @Field(() => Int, { description: 'Patterns it classified on live traffic' })
  predictions!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Share it put in the active model’s category',
  })
  agreement!: number | null;

  @Field(() => JsonScalar, { description: 'Its predictions per category' })
  categories!: Record<string, number>;
}

@ObjectType('ClassifierModel', { description: 'A version in the model registry' })
export class ModelObject {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  version!: number;

  @Field()
  algorithm!: string;

  @Field(() => ModelStatusValue)
  status!: ModelStatusValue;

  @Field(() => MetricsObject)
  metrics!: MetricsObject;

  @Field(() => MetricsObject, {
    nullable: true,
    description: 'The model it was to replace, on the same held-out examples',
  })
  baselineMetrics!: MetricsObject | null;

  @Field(() => JsonScalar)
  params!: Record<string, unknown>;

  @Field(() => TrainingObject)
  training!: TrainingObject;

  @Field(() => ShadowStatsObject)
  shadow!: ShadowStatsObject;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  activatedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  retiredAt!: Date | null;

  @Field(() => String, { nullable: true })
  decidedBy!: string | null;

  static from(r: ModelVersionRow): ModelObject {
    const predictions = r.shadowStats.predictions ?? 0;
    return Object.assign(new ModelObject(), {
      id: r.id,
      version: r.version,
      algorithm: r.algorithm,
      status: r.status as ModelStatusValue,
      metrics: MetricsObject.from(r.metrics),
      baselineMetrics: r.baselineMetrics ? MetricsObject.from(r.baselineMetrics) : null,
      params: r.params,
      training: {
        ...r.training,
        from: r.training.from ? new Date(r.training.from) : null,
        to: new Date(r.training.to),
      },
      shadow: {
        predictions,
        agreement: predictions > 0 ? (r.shadowStats.agreements ?? 0) / predictions : null,
        categories: r.shadowStats.categories ?? {},
      },
      createdAt: r.createdAt,
      activatedAt: r.activatedAt,
      retiredAt: r.retiredAt,
      decidedBy: r.decidedBy,
    });
  }
}

@ObjectType('ClassifierModelEvent')
export class ModelEventObject {
  @Field(() => GraphQLISODateTime)
  at!: Date;

  @Field({ description: 'trained, promoted, rejected, rolled_back or drift' })
  kind!: string;

  @Field(() => ID, { nullable: true })
  versionId!: string | null;

  @Field(() => JsonScalar)
  details!: Record<string, unknown>;

  static from(r: ModelEventRow): ModelEventObject {
    return Object.assign(new ModelEventObject(), r);
  }
}

@ObjectType('LogClassification')
export class ClassificationObject {
  @Field()
  category!: string;

  @Field(() => Float)
  confidence!: number;

  @Field(() => JsonScalar, { description: 'Every category’s probability' })
  probabilities!: Record<string, number>;

  @Field(() => Int, { description: 'The model version that answered (0: the taxonomy’s rules)' })
  modelVersion!: number;
}
