import { ErrorSurgeDetector } from './error-surge-detector';
import { NewPatternDetector } from './new-pattern-detector';
import { ParameterOutlierDetector } from './parameter-outlier-detector';
import { PatternRateDetector } from './pattern-rate-detector';
import { SequenceDetector } from './sequence-detector';
import type { DetectorFactory } from './tenant-detection';
import { WindowOutlierDetector } from './window-outlier-detector';

/**
 * Every detector kind with its default options: what {@link TenantDetection} builds for a tenant.
 * States come from the detectors' own `toState` (checkpoints), so the casts only name their type.
 *
 * @example
 *   const detection = new TenantDetection(DEFAULT_DETECTION_CONFIG, DEFAULT_DETECTORS, newId);
 */
export const DEFAULT_DETECTORS: DetectorFactory = {
  new_pattern: {
    create: (s) => new NewPatternDetector(s),
    restore: (state, s) =>
      NewPatternDetector.fromState(state as Parameters<typeof NewPatternDetector.fromState>[0], s),
  },
  pattern_rate: {
    create: (s) => new PatternRateDetector(s),
    restore: (state, s) =>
      PatternRateDetector.fromState(
        state as Parameters<typeof PatternRateDetector.fromState>[0],
        s,
      ),
  },
  error_surge: {
    create: (s) => new ErrorSurgeDetector(s),
    restore: (state, s) =>
      ErrorSurgeDetector.fromState(state as Parameters<typeof ErrorSurgeDetector.fromState>[0], s),
  },
  window_outlier: {
    create: (s) => new WindowOutlierDetector(s),
    restore: (state, s) =>
      WindowOutlierDetector.fromState(
        state as Parameters<typeof WindowOutlierDetector.fromState>[0],
        s,
      ),
  },
  sequence: {
    create: (s) => new SequenceDetector(s),
    restore: (state, s) =>
      SequenceDetector.fromState(state as Parameters<typeof SequenceDetector.fromState>[0], s),
  },
  parameter_outlier: {
    create: (s) => new ParameterOutlierDetector(s),
    restore: (state, s) =>
      ParameterOutlierDetector.fromState(
        state as Parameters<typeof ParameterOutlierDetector.fromState>[0],
        s,
      ),
  },
};
