import { Module } from '@nestjs/common';

import { ErasureRegistryModule } from '../../common/privacy/erasure-registry';
import { ClassificationModule } from '../classification/classification.module';
import { DetectionModule } from '../detection/detection.module';
import { LogsModule } from '../logs/logs.module';
import { PatternsModule } from '../patterns/patterns.module';
import { DriftService } from './drift.service';
import { FeedbackErasureParticipant } from './feedback-erasure.participant';
import { FeedbackRepository } from './feedback.repository';
import { FeedbackResolver } from './feedback.resolver';
import { FeedbackService } from './feedback.service';
import { LabelingService } from './labeling.service';
import { ModelDriftEvents } from './model-drift.events';
import { TrainingService } from './training.service';

/**
 * Learning from people: labels (kept, versioned, exportable), the labelling queue (active
 * learning), training jobs on the `training` queue, shadow reviews and drift checks. Trained
 * versions go to the registry of the classification module, which serves them.
 */
@Module({
  imports: [
    ErasureRegistryModule,
    ClassificationModule,
    DetectionModule,
    LogsModule,
    PatternsModule,
  ],
  providers: [
    FeedbackRepository,
    FeedbackService,
    TrainingService,
    DriftService,
    LabelingService,
    ModelDriftEvents,
    FeedbackResolver,
    FeedbackErasureParticipant,
  ],
  exports: [FeedbackService, TrainingService],
})
export class FeedbackModule {}
