import { Args, ID, Int, Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';

import { Authorize } from '../../common/auth/authorize.decorator';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator';
import { ClassificationError } from '../classification/classification.errors';
import type { Principal } from '../tenancy/principal';
import {
  AnomalyVerdictValue,
  FeedbackFilterInput,
  FeedbackObject,
  LabelInputObject,
  LabelingItemObject,
  ModelDriftObject,
} from './dto/feedback.objects';
import { FeedbackService } from './feedback.service';
import { LabelingService } from './labeling.service';
import type { ModelDriftEvent } from './model-drift.events';
import { ModelDriftEvents } from './model-drift.events';
import { TrainingService } from './training.service';

const MAX_PAGE = 1000;

/** Labels from people, the labelling queue, training on demand and drift events. */
@Resolver()
export class FeedbackResolver {
  constructor(
    private readonly labels: FeedbackService,
    private readonly labeling: LabelingService,
    private readonly training: TrainingService,
    private readonly drift: ModelDriftEvents,
  ) {}

  @Mutation(() => FeedbackObject, { description: 'Labels a log: category, severity or noise' })
  @Authorize('write')
  async labelLog(
    @CurrentPrincipal() p: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('input', { type: () => LabelInputObject }) input: LabelInputObject,
  ): Promise<FeedbackObject> {
    return FeedbackObject.from(await this.labels.labelLog(p, id, input));
  }

  @Mutation(() => FeedbackObject, { description: 'Labels a pattern (so all its records)' })
  @Authorize('write')
  async labelPattern(
    @CurrentPrincipal() p: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('input', { type: () => LabelInputObject }) input: LabelInputObject,
  ): Promise<FeedbackObject> {
    return FeedbackObject.from(await this.labels.labelPattern(p, id, input));
  }

  @Mutation(() => FeedbackObject, {
    description: 'A verdict on an anomaly; detection adjusts its thresholds for its patterns',
  })
  @Authorize('write')
  async labelAnomaly(
    @CurrentPrincipal() p: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('verdict', { type: () => AnomalyVerdictValue }) verdict: AnomalyVerdictValue,
    @Args('category', { type: () => String, nullable: true }) category: string | null,
  ): Promise<FeedbackObject> {
    return FeedbackObject.from(await this.labels.labelAnomaly(p, id, verdict, category));
  }

  @Query(() => [FeedbackObject], {
    description: 'Every label and version, newest first (page through it to export)',
  })
  @Authorize('read')
  async feedback(
    @CurrentPrincipal() p: Principal,
    @Args('filter', { type: () => FeedbackFilterInput, nullable: true })
    filter: FeedbackFilterInput | null,
    @Args('first', { type: () => Int, defaultValue: 100 }) first: number,
    @Args('offset', { type: () => Int, defaultValue: 0 }) offset: number,
  ): Promise<FeedbackObject[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) {
      throw new ClassificationError('INVALID_ARGUMENT', `first must be between 1 and ${MAX_PAGE}`);
    }
    if (!Number.isInteger(offset) || offset < 0) {
      throw new ClassificationError('INVALID_ARGUMENT', 'offset must be 0 or more');
    }
    const rows = await this.labels.list(
      p.tenantId,
      {
        targetKind: filter?.targetKind ?? null,
        targetId: filter?.targetId ?? null,
        current: filter?.current ?? false,
      },
      first,
      offset,
    );
    return rows.map((r) => FeedbackObject.from(r));
  }

  @Query(() => [LabelingItemObject], {
    description: 'Patterns the model is least sure of, one per pattern, most useful first',
  })
  @Authorize('read')
  async labelingQueue(
    @CurrentPrincipal() p: Principal,
    @Args('first', { type: () => Int, defaultValue: 10 }) first: number,
  ): Promise<LabelingItemObject[]> {
    if (!Number.isInteger(first) || first < 1 || first > 100) {
      throw new ClassificationError('INVALID_ARGUMENT', 'first must be between 1 and 100');
    }
    return (await this.labeling.queue(p.tenantId, first)).map((i) => LabelingItemObject.from(i));
  }

  @Mutation(() => Boolean, { description: 'Queues a retraining of the tenant’s classifier now' })
  @Authorize('admin')
  async trainClassifier(@CurrentPrincipal() p: Principal): Promise<boolean> {
    await this.training.queue(p.tenantId, 'manual');
    return true;
  }

  @Subscription(() => ModelDriftObject, {
    description: 'The classifier’s input drifted from its training (a retraining is queued)',
    resolve: (e: ModelDriftEvent) => ModelDriftObject.from(e),
  })
  @Authorize('read')
  modelDrift(@CurrentPrincipal() p: Principal): Promise<AsyncIterableIterator<ModelDriftEvent>> {
    return this.drift.subscribe(p.tenantId);
  }
}
