import { Module } from '@nestjs/common';

import { DetectionModule } from '../detection/detection.module';
import { LogsModule } from '../logs/logs.module';
import { PatternsModule } from '../patterns/patterns.module';
import { ForecastRepository } from './forecast.repository';
import { ForecastingResolver } from './forecasting.resolver';
import { ForecastingService } from './forecasting.service';

/** Trend prediction: forecasts per service on the `forecasting` queue, GraphQL, alert rules. */
@Module({
  imports: [LogsModule, PatternsModule, DetectionModule],
  providers: [ForecastRepository, ForecastingService, ForecastingResolver],
  exports: [ForecastingService],
})
export class ForecastingModule {}
